package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.testing.Seeds;
import io.github.udptunnel.wire.DropReason;
import io.github.udptunnel.wire.PacketType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet: two server instances with one long-term key behind one address, as with SO_REUSEPORT. Each keeps its own
 * minute keys and used-cookie memory, so an INIT is honoured only by the instance that made its cookie: replayed to
 * the other (from another source port, which the kernel may hash to it) it is refused, and its data is delivered
 * once, not twice.
 */
class FleetReplayTest {

    static long[] seeds() {
        return Seeds.of(0xF1EE_7000L, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anInitReplayedToTheOtherInstanceIsRefusedAndDeliversNothing(long seed) {
        TunnelFixture f = new TunnelFixture(seed, LinkConditions.IDEAL.withDelay(Duration.ofMillis(5)));
        InetSocketAddress otherInstance = new InetSocketAddress("10.0.0.1", 4434);
        Endpoint other = new Endpoint(EngineConfig.builder().serverKey(f.serverKey)
            .random(KeystreamRandom.seeded(seed * 31 + 3)).build());
        f.sim.addHost(otherInstance, other);
        List<byte[]> inits = new ArrayList<>();
        f.sim.addTap((now, from, to, bytes) -> {
            if (to.equals(TunnelFixture.SERVER) && bytes.length > 3 && bytes[3] == PacketType.INIT.code()) {
                inits.add(bytes);
            }
        });
        long c = f.client.connect(f.sim.now(), TunnelFixture.SERVER, TunnelFixture.HOST, null, Long.MAX_VALUE);
        byte[] secret = "deliver me once".getBytes();
        f.client.send(f.sim.now(), c, secret, 0, secret.length);
        long s = f.acceptOne(Duration.ofSeconds(5));
        assertThat(s).as(f.toString()).isNotNegative();
        assertThat(inits).isNotEmpty();

        InetSocketAddress anotherPort = new InetSocketAddress("10.0.0.2", 50001);
        for (byte[] init : inits) {
            f.sim.inject(f.sim.now(), anotherPort, otherInstance, init);
        }
        f.sim.runFor(Duration.ofSeconds(1).toNanos());

        assertThat(other.accept()).as("the other instance opens nothing").isEqualTo(-1);
        assertThat(other.stats().get(Counter.CONNECTIONS_OPENED)).isZero();
        assertThat(other.stats().dropped(DropReason.COOKIE_INVALID)).isEqualTo(inits.size());
        assertThat(other.stats().get(Counter.BYTES_SENT)).as("and answers nothing").isZero();
    }
}
