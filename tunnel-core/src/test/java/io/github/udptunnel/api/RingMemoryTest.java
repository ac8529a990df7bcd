package io.github.udptunnel.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.agrona.BitUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's off-heap rings are made when a connection first takes its slot, not for every slot up front, and a
 * slot freed is the next one taken: so a server sized for many connections costs memory for the ones it has had
 * at once. Each ring starts small, grows to the configured size under a large message, and is small again for the
 * next connection that takes the slot.
 */
class RingMemoryTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int RING_BYTES = 64 * 1024;
    /** Only a safety net: the machine may be busy, and nothing here is about how long a step takes. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void ringsAreMadeForTheConnectionsAnEndpointHasHadAtOnce() throws Exception {
        long before = settledDirectBytes();
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(5)).bind(ANY_LOOPBACK)
                 .ringBytes(RING_BYTES).engine(e -> e.maxConnections(16_384)).open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK)
                 .ringBytes(RING_BYTES).engine(e -> e.maxConnections(16_384).connectTimeout(PATIENCE)).open()) {
            // Made up front, 2 x 16,384 slots x 2 rings x 64 KiB would be 4 GiB.
            long idle = DirectBuffers.bytesInUse();
            assertThat(idle - before).as("direct bytes of two idle endpoints").isLessThan(64L << 20);

            // One connection at a time, each ended before the next: the slot freed last is taken next.
            for (int i = 0; i < 10; i++) {
                TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
                c.abort();
                TunnelConnection s = server.accept(PATIENCE);
                s.abort();
                Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(
                    () -> client.stats().openConnections() == 0 && server.stats().openConnections() == 0);
            }
            long afterSequential = DirectBuffers.bytesInUse();
            // A slot or two a side, not ten: 20 ring pairs would be 2.5 MiB.
            assertThat(afterSequential - idle).as("direct bytes after ten connections one at a time")
                .isLessThan(8L * 2 * RING_BYTES);

            List<TunnelConnection> open = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                open.add(client.connect(server.localAddress(), PATIENCE));
            }
            long grown = DirectBuffers.bytesInUse() - afterSequential;
            // Twenty connections at once need about twenty more ring pairs on the client side (and up to twenty on
            // the server's), never one per slot of the 16,384; and each pair starts at the smallest size.
            assertThat(grown).as("direct bytes for 20 concurrent connections")
                .isGreaterThanOrEqualTo(15L * 2 * ConnectionChannel.MIN_RING_BYTES)
                .isLessThan(60L * 2 * (ConnectionChannel.MIN_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH
                    + BitUtil.CACHE_LINE_LENGTH));
            for (TunnelConnection c : open) {
                c.abort();
            }
        }
    }

    @Test
    void ringsGrowForALargeMessageAndAreSmallAgainForTheSlotsNextConnection() throws Exception {
        int small = 2 * (ConnectionChannel.MIN_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH);
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(6)).bind(ANY_LOOPBACK)
                 .ringBytes(RING_BYTES).open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK)
                 .ringBytes(RING_BYTES).engine(e -> e.connectTimeout(PATIENCE)).open()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            assertThat(footprint(c)).isEqualTo(small);
            assertThat(footprint(s)).isEqualTo(small);

            byte[] large = new byte[512 * 1024];
            new java.util.SplittableRandom(6).nextBytes(large);
            c.send(large);
            assertThat(s.receive(PATIENCE)).isEqualTo(large);
            // The client's outbound ring grew to take the message in its largest parts, the server's inbound one to
            // hand it over: both to the configured size, which no ring exceeds.
            assertThat(channel(c).outbound().capacity()).isEqualTo(RING_BYTES);
            assertThat(channel(s).inbound().capacity()).isEqualTo(RING_BYTES);

            c.abort();
            s.abort();
            Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(
                () -> client.stats().openConnections() == 0 && server.stats().openConnections() == 0);
            TunnelConnection next = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection nextServer = server.accept(PATIENCE);
            assertThat(channel(next)).as("the slot freed last is taken next").isSameAs(channel(c));
            assertThat(footprint(next)).isEqualTo(small);
            assertThat(footprint(nextServer)).isEqualTo(small);
            next.send("small".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(nextServer.receive(PATIENCE)).isEqualTo("small".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static int footprint(TunnelConnection c) throws ReflectiveOperationException {
        return channel(c).ringFootprint();
    }

    /** White-box: the connection's slot channel. */
    static ConnectionChannel channel(TunnelConnection c) throws ReflectiveOperationException {
        java.lang.reflect.Field field = TunnelConnection.class.getDeclaredField("ch");
        field.setAccessible(true);
        return (ConnectionChannel) field.get(c);
    }

    /**
     * Direct bytes once the buffers earlier tests in this JVM left unreachable are freed: the garbage collector frees
     * them (through a Cleaner) whenever it runs, and doing so in the middle of the measurements below would make
     * growth look smaller than it is. Waits until two readings a poll apart agree.
     */
    private static long settledDirectBytes() {
        long[] last = {-1};
        Awaitility.await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            long now = DirectBuffers.bytesInUse();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        return last[0];
    }
}
