package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.Packet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server whose shell reads a full batch with more waiting, handshakes among it, is behind on handshake work: per
 * source limits apply at once, though the global bucket is far from empty (a worker slower than the global rate
 * never empties it).
 */
class BacklogLoadTest {

    private static final InetSocketAddress FLOOD = new InetSocketAddress("10.9.0.1", 4000);
    private static final long NOW = 1_000_000_000L;

    @ParameterizedTest(name = "more waiting: {0}")
    @ValueSource(booleans = {true, false})
    void aBackloggedBatchWithHandshakesPutsTheServerUnderLoad(boolean moreWaiting) {
        Endpoint server = new Endpoint(EngineConfig.builder().serverKey(TunnelFixture.keyPair(1))
            .handshakeRateLimit(100_000, 100_000).build());
        byte[] hello = new byte[HelloPacket.SIZE];
        HelloPacket.encode(ByteBuffer.wrap(hello), 0, TunnelFixture.keyPair(2).publicKey().toBytes(), 0);

        send(server, hello, 10);
        server.receiveBatchEnded(NOW, moreWaiting);
        send(server, hello, 100);

        long cookies = server.stats().get(Counter.COOKIE_SENT);
        if (moreWaiting) {
            // The first ten, then the source's burst of 5.
            assertThat(cookies).isEqualTo(10 + HandshakeRateLimiter.DEFAULT_PER_SOURCE_BURST);
            assertThat(server.stats().get(Counter.LOAD_DETECTED)).isEqualTo(1);
            assertThat(server.stats().underLoad(NOW)).as("the gauge other threads read").isTrue();
            assertThat(server.stats().underLoad(NOW + HandshakeRateLimiter.LOAD_HOLD_NANOS))
                .as("a second without load ends it").isFalse();
        } else {
            assertThat(cookies).isEqualTo(110);
            assertThat(server.stats().get(Counter.LOAD_DETECTED)).isZero();
            assertThat(server.stats().underLoad(NOW)).isFalse();
        }
    }

    private static void send(Endpoint server, byte[] hello, int count) {
        ByteBuffer out = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        for (int i = 0; i < count; i++) {
            server.handleDatagram(NOW, FLOOD, ByteBuffer.wrap(hello));
            out.clear();
            while (server.pollTransmit(NOW, out) != null) {
                out.clear();
            }
        }
    }

}
