package io.github.udptunnel.engine;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.DropReason;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.PacketType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close linger (docs/PROTOCOL.md section 9) in the simulator: a closed connection gives its slot back at once,
 * and what acknowledging a retransmitted FIN needs is kept, for three RTOs, in a small tombstone.
 */
class CloseLingerTest {

    private static final LinkConditions PATH = LinkConditions.IDEAL
        .withDelay(Duration.ofMillis(20)).withBandwidthBitsPerSecond(50_000_000).withQueueLimitPackets(200);

    /** The linger is three RTOs, and an RTO is never below the 200 ms minimum. */
    private static final long SHORTEST_LINGER = 3 * Duration.ofMillis(200).toNanos();

    /**
     * A server with N slots: N connections close, then N more connect at once, well within the linger of the
     * first N. Closed connections hold no slot, so all N are accepted.
     */
    @Test
    void closedConnectionsGiveTheirSlotsBackAtOnce() {
        int n = 32;
        TunnelFixture f = new TunnelFixture(0x11_0001L, PATH, b -> b.maxConnections(n), b -> b);
        long[][] first = connectAll(f, n);
        for (int i = 0; i < n; i++) {
            f.client.close(f.sim.now(), first[0][i]);
            f.server.close(f.sim.now(), first[1][i]);
        }
        boolean closed = f.sim.runUntil(() -> f.server.openConnections() == 0 && f.client.openConnections() == 0,
            Duration.ofSeconds(5).toNanos());
        assertThat(closed).as(f.toString()).isTrue();
        long closedAt = f.sim.now();

        long[][] second = connectAll(f, n);
        assertThat(f.sim.now() - closedAt).as("the second round ran within the first round's linger")
            .isLessThan(SHORTEST_LINGER);
        for (long c : second[0]) {
            assertThat(f.client.state(c)).as(f.toString()).isEqualTo(ConnectionState.ESTABLISHED);
        }
        assertThat(f.server.stats().dropped(DropReason.TABLE_FULL)).as(f.toString()).isZero();
        assertThat(f.server.openConnections()).isEqualTo(n);
    }

    /**
     * The server's ack of the client's FIN is lost; the server's application has let go, so the slot is already
     * free. The client's retransmitted FIN is acknowledged from the tombstone, and the client closes cleanly.
     */
    @Test
    void aRetransmittedFinIsAcknowledgedFromTheTombstone() {
        TunnelFixture f = new TunnelFixture(0x11_0002L, PATH);
        long c = f.connect(Duration.ofSeconds(5));
        long s = f.acceptOne(Duration.ofSeconds(1));
        serverFinishesFirstThenTheClientWithTheServersAnswersLost(f, c, s);

        f.server.close(f.sim.now(), s);
        assertThat(f.server.state(s)).as("the slot is free at once").isEqualTo(ConnectionState.FREE);
        assertThat(f.server.lingering()).isEqualTo(1);
        assertThat(f.server.stats().get(Counter.LINGER_ACKS)).as("the first ack of the FIN, lost").isEqualTo(1);

        f.sim.setConditions(TunnelFixture.SERVER, TunnelFixture.CLIENT, PATH);
        boolean closed = f.sim.runUntil(() -> f.client.state(c) == ConnectionState.CLOSED,
            Duration.ofSeconds(5).toNanos());
        assertThat(closed).as(f.toString()).isTrue();
        assertThat(f.client.closeReason(c)).as(f.toString()).isEqualTo(CloseReason.CLOSED);
        assertThat(f.client.stats().get(Counter.RETRANSMITS)).as("the FIN was sent again").isPositive();
        assertThat(f.server.stats().get(Counter.LINGER_ACKS)).as(f.toString()).isEqualTo(2);
        assertThat(f.server.stats().dropped(DropReason.UNKNOWN_CONNECTION)).isZero();
    }

    /**
     * While the tombstone lingers, a replayed FIN is refused and a replayed INIT reopens nothing; once the linger
     * has ended, the client's next retransmitted FIN finds nothing and is dropped as unknown, and the INIT is
     * refused by the used-cookie set.
     */
    @Test
    void afterTheLingerTheTombstoneIsGone() {
        TunnelFixture f = new TunnelFixture(0x11_0003L, PATH);
        List<byte[]> inits = ProtocolScenariosTest.capture(f, TunnelFixture.CLIENT, PacketType.INIT);
        List<byte[]> data = ProtocolScenariosTest.capture(f, TunnelFixture.CLIENT, PacketType.DATA);
        long c = f.connect(Duration.ofSeconds(5));
        long s = f.acceptOne(Duration.ofSeconds(1));
        serverFinishesFirstThenTheClientWithTheServersAnswersLost(f, c, s);
        f.server.close(f.sim.now(), s);
        assertThat(f.server.lingering()).isEqualTo(1);

        EngineStats stats = f.server.stats();
        long replayed = stats.dropped(DropReason.REPLAYED);
        f.sim.inject(f.sim.now(), TunnelFixture.CLIENT, TunnelFixture.SERVER, data.get(data.size() - 1));
        f.sim.inject(f.sim.now(), TunnelFixture.CLIENT, TunnelFixture.SERVER, inits.get(0));
        f.sim.runFor(Duration.ofMillis(1).toNanos());
        assertThat(stats.dropped(DropReason.REPLAYED)).as(f.toString()).isEqualTo(replayed + 1);
        assertThat(stats.dropped(DropReason.CLOSED_CONNECTION)).as("the INIT").isEqualTo(1);
        assertThat(stats.get(Counter.LINGER_ACKS)).as("replays get no answer").isEqualTo(1);

        // The client sends its FIN again and again; the tombstone answers (into the void) until its linger ends.
        long lingerStart = f.sim.now();
        assertThat(f.sim.runUntil(() -> f.server.lingering() == 0, Duration.ofSeconds(5).toNanos())).isTrue();
        assertThat(f.sim.now() - lingerStart).isLessThan(Duration.ofSeconds(3).toNanos());
        long acks = stats.get(Counter.LINGER_ACKS);
        assertThat(acks).as("a retransmitted FIN answered during the linger").isGreaterThanOrEqualTo(2);

        long unknown = stats.dropped(DropReason.UNKNOWN_CONNECTION);
        boolean late = f.sim.runUntil(() -> stats.dropped(DropReason.UNKNOWN_CONNECTION) > unknown,
            Duration.ofSeconds(10).toNanos());
        assertThat(late).as("a FIN after the linger is dropped as unknown: %s", f).isTrue();
        assertThat(stats.get(Counter.LINGER_ACKS)).as("and not answered").isEqualTo(acks);

        f.sim.inject(f.sim.now(), TunnelFixture.CLIENT, TunnelFixture.SERVER, inits.get(0));
        f.sim.runFor(Duration.ofMillis(1).toNanos());
        assertThat(stats.dropped(DropReason.INIT_REPLAYED)).as(f.toString()).isEqualTo(1);
        assertThat(f.server.accept()).as("no connection from a replay").isEqualTo(-1);
        assertThat(stats.get(Counter.CONNECTIONS_OPENED)).isEqualTo(1);
    }

    /** A full linger table drops the tombstone whose linger ends first, and counts it. */
    @Test
    void aFullLingerTableEvictsTheTombstoneThatEndsFirst() {
        TunnelFixture f = new TunnelFixture(0x11_0005L, PATH, b -> b.closeLingerCapacity(2), b -> b);
        long[][] handles = connectAll(f, 3);
        for (int i = 0; i < 3; i++) {
            f.client.close(f.sim.now(), handles[0][i]);
            f.server.close(f.sim.now(), handles[1][i]);
            f.sim.runUntil(() -> false, Duration.ofMillis(100).toNanos());  // one after the other
        }
        f.sim.runUntil(() -> f.server.openConnections() == 0, Duration.ofSeconds(2).toNanos());
        assertThat(f.server.lingering()).as(f.toString()).isEqualTo(2);
        assertThat(f.server.stats().get(Counter.LINGERS_EVICTED)).isEqualTo(1);
        f.sim.runFor(Duration.ofSeconds(5).toNanos());
        assertThat(f.server.lingering()).isZero();
    }

    /**
     * Tens of thousands of retransmitted FINs, each opened and answered by a tombstone, allocate nothing. The FINs
     * come from a hand-made client (fresh counters, no simulator in the measured loop).
     */
    @Test
    void answeringFromATombstoneAllocatesNothing() {
        TunnelFixture f = new TunnelFixture(0x11_0004L, PATH);
        InetSocketAddress address = new InetSocketAddress("10.0.0.9", 5555);
        HandMadeClient hand = new HandMadeClient(f, address);
        hand.hello();
        f.sim.runFor(Duration.ofMillis(100).toNanos());
        assertThat(hand.openCookie()).isTrue();
        f.sim.inject(f.sim.now(), address, TunnelFixture.SERVER, hand.init(false));
        f.sim.runFor(Duration.ofMillis(50).toNanos());
        long s = f.server.accept();
        assertThat(s).as(f.toString()).isNotNegative();
        f.server.close(f.sim.now(), s);  // its FIN, sequence 0, goes to an address where nobody listens
        f.sim.runFor(Duration.ofMillis(50).toNanos());
        f.sim.inject(f.sim.now(), address, TunnelFixture.SERVER,
            hand.data(Message.FLAG_RELIABLE | Message.FLAG_FIN, 0, 1));  // our FIN, and the ack of theirs
        f.sim.runFor(Duration.ofMillis(1).toNanos());
        assertThat(f.server.state(s)).as(f.toString()).isEqualTo(ConnectionState.FREE);
        assertThat(f.server.lingering()).isEqualTo(1);

        // A warm-up, then rounds measured alone: the fewest bytes a round allocated counts, since the JIT may
        // rematerialise a few objects once when it deoptimises; an allocation per FIN would show in every round.
        int round = 5_000;
        int rounds = 4;
        ByteBuffer[] fins = new ByteBuffer[round * (rounds + 1)];
        for (int i = 0; i < fins.length; i++) {
            fins[i] = ByteBuffer.wrap(hand.data(Message.FLAG_RELIABLE | Message.FLAG_FIN, 0, 1));
        }
        ByteBuffer out = ByteBuffer.allocate(2048);
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long start = f.sim.now();
        int answered = answer(f.server, address, fins, 0, round, start, out);
        long[] allocated = new long[rounds];
        threads.getCurrentThreadAllocatedBytes();
        for (int r = 1; r <= rounds; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            answered += answer(f.server, address, fins, r * round, (r + 1) * round, start, out);
            allocated[r - 1] = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertThat(answered).as(f.toString()).isEqualTo(fins.length);
        assertThat(java.util.Arrays.stream(allocated).min().getAsLong())
            .as("bytes allocated answering %d FINs, in each of %d rounds: %s", round, rounds,
                java.util.Arrays.toString(allocated))
            .isLessThan(1024);
        assertThat(f.server.stats().get(Counter.LINGER_ACKS)).isEqualTo(1 + fins.length);

        // The answers are authentic acks of the FIN, each under a fresh counter.
        long[] counters = new long[2];
        for (int i = 0; i < 2; i++) {
            long now = start + fins.length * 1_000L + i;
            f.server.handleDatagram(now, address,
                ByteBuffer.wrap(hand.data(Message.FLAG_RELIABLE | Message.FLAG_FIN, 0, 1)));
            out.clear();
            assertThat(f.server.pollTransmit(now, out)).isEqualTo(address);
            byte[] answer = java.util.Arrays.copyOfRange(out.array(), out.position(), out.limit());
            DataPacket view = new DataPacket();
            assertThat(view.wrap(ByteBuffer.wrap(answer), 0, answer.length)).isNull();
            counters[i] = view.counter();
            Message m = hand.openFromServer(answer);
            assertThat(m).as("authentic").isNotNull();
            assertThat(m.ack()).isEqualTo(1);
            assertThat(m.flags()).isZero();
            assertThat(m.sequence()).as("the server's next sequence number, after its FIN").isEqualTo(1);
        }
        assertThat(counters[1]).isEqualTo(counters[0] + 1);
    }

    /** Hands {@code fins[from..to)} to the engine one by one and polls each answer; returns how many came. */
    private static int answer(Endpoint server, InetSocketAddress from, ByteBuffer[] fins, int first, int end,
                              long start, ByteBuffer out) {
        int answered = 0;
        for (int i = first; i < end; i++) {
            long now = start + i * 1_000L;
            server.handleDatagram(now, from, fins[i]);
            out.clear();
            if (server.pollTransmit(now, out) == from) {
                answered++;
            }
            out.clear();
            if (server.pollTransmit(now, out) != null) {
                answered = -1_000_000;  // one answer per FIN, no more
            }
        }
        return answered;
    }

    /**
     * The server finishes; the client acks its FIN, then finishes too while every packet from the server is lost,
     * the ack of the client's FIN included. Runs until the server has closed.
     */
    private static void serverFinishesFirstThenTheClientWithTheServersAnswersLost(TunnelFixture f, long c, long s) {
        f.server.finish(f.sim.now(), s);
        assertThat(f.sim.runUntil(() -> f.client.isPeerFinished(c), Duration.ofSeconds(2).toNanos())).isTrue();
        f.sim.runFor(Duration.ofMillis(200).toNanos());  // the client's ack of the server's FIN arrives
        f.sim.setConditions(TunnelFixture.SERVER, TunnelFixture.CLIENT, PATH.withLoss(1.0));
        f.client.finish(f.sim.now(), c);
        boolean closed = f.sim.runUntil(() -> f.server.state(s) == ConnectionState.CLOSED,
            Duration.ofSeconds(2).toNanos());
        assertThat(closed).as(f.toString()).isTrue();
        assertThat(f.client.state(c)).isEqualTo(ConnectionState.ESTABLISHED);
    }

    /** Connects {@code n} at once and runs until each handshake ended; returns client and server handles. */
    private static long[][] connectAll(TunnelFixture f, int n) {
        long[] clients = new long[n];
        for (int i = 0; i < n; i++) {
            clients[i] = f.client.connect(f.sim.now(), TunnelFixture.SERVER, TunnelFixture.HOST, null, Long.MAX_VALUE);
        }
        long[] servers = new long[n];
        int[] accepted = {0};
        f.sim.runUntil(() -> {
            for (long s; accepted[0] < n && (s = f.server.accept()) >= 0; ) {
                servers[accepted[0]++] = s;
            }
            for (long c : clients) {
                ConnectionState state = f.client.state(c);
                if (state == ConnectionState.HELLO_SENT || state == ConnectionState.INIT_SENT) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(5).toNanos());
        return new long[][] {clients, servers};
    }
}
