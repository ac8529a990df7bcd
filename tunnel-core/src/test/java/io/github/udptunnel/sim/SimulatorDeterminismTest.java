package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static io.github.udptunnel.sim.PingPair.ECHO;
import static io.github.udptunnel.sim.PingPair.PINGER;
import static org.assertj.core.api.Assertions.assertThat;

/** A seed is a whole run: the same seed gives the same trace to the nanosecond, another seed another trace. */
class SimulatorDeterminismTest {

    /** Every impairment at once, both ways. */
    private static final LinkConditions ROUGH = LinkConditions.IDEAL
        .withDelay(Duration.ofMillis(20))
        .withJitter(Duration.ofMillis(3))
        .withLoss(0.05)
        .withDuplication(0.05)
        .withCorruption(0.05)
        .withReordering(0.05, Duration.ofMillis(10))
        .withBandwidthBitsPerSecond(10_000_000L)
        .withQueueLimitPackets(20);

    /** One datagram crossing the network, or arriving at an engine. */
    private record Event(String kind, long atNanos, InetSocketAddress from, InetSocketAddress to, int bytesHash) {
    }

    static long[] seeds() {
        return Seeds.of(0xD00D_0000L, 4);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theSameSeedGivesTheSameTrace(long seed) {
        List<Event> first = trace(seed);

        assertThat(trace(seed)).isEqualTo(first);
        assertThat(trace(seed + 1_000)).isNotEqualTo(first);
        assertThat(first).extracting(Event::kind).contains("sent", "at echo", "at pinger");
    }

    private static List<Event> trace(long seed) {
        PingPair pair = new PingPair(seed, ROUGH, Duration.ofMillis(1).dividedBy(2).toNanos(), 500, 1000);
        pair.sim.setConditions(ECHO, PINGER, ROUGH);
        List<Event> events = new ArrayList<>();
        pair.sim.addTap((now, from, to, datagram) ->
            events.add(new Event("sent", now, from, to, Arrays.hashCode(datagram))));
        pair.runToTheEnd();
        pair.echo.arrivals.forEach(a -> events.add(new Event("at echo", a.atNanos(), a.from(), ECHO,
            Arrays.hashCode(a.bytes()))));
        pair.pinger.replies.forEach(a -> events.add(new Event("at pinger", a.atNanos(), a.from(), PINGER,
            Arrays.hashCode(a.bytes()))));
        return events;
    }
}
