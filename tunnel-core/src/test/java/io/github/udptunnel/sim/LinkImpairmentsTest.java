package io.github.udptunnel.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static io.github.udptunnel.sim.PingPair.ECHO;
import static io.github.udptunnel.sim.PingPair.PINGER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loss, duplication, corruption, reordering and jitter each happen about as often as asked and are counted. The
 * bounds are about five standard deviations wide; the seeds are fixed, so a run either always passes or never does.
 */
class LinkImpairmentsTest {

    private static final int PINGS = 1000;
    private static final int PING_BYTES = 100;
    private static final long MILLISECOND_NANOS = Duration.ofMillis(1).toNanos();
    private static final long TENTH_MILLISECOND_NANOS = Duration.ofMillis(1).dividedBy(10).toNanos();

    static long[] seeds() {
        return Seeds.of(0x1055_0000L, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void lossOfThirtyPercentLosesAboutThirtyPercent(long seed) {
        PingPair pair = new PingPair(seed, LinkConditions.IDEAL.withLoss(0.3), MILLISECOND_NANOS, PINGS, PING_BYTES)
            .runToTheEnd();
        Link link = pair.towardsEcho();

        assertThat(link.lost()).isBetween(230L, 370L);
        assertThat(link.sent()).isEqualTo(PINGS);
        assertThat(link.delivered()).isEqualTo(PINGS - link.lost()).isEqualTo(pair.echo.arrivals.size());
        assertThat(pair.pinger.replies).as("the way back is ideal").hasSize(pair.echo.arrivals.size());
        assertThat(pair.sim.link(ECHO, PINGER).lost()).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void duplicationDeliversSomeDatagramsTwice(long seed) {
        PingPair pair = new PingPair(seed, LinkConditions.IDEAL.withDuplication(0.1), MILLISECOND_NANOS, PINGS,
            PING_BYTES).runToTheEnd();
        Link link = pair.towardsEcho();

        Map<Long, Long> copies = pair.echo.arrivals.stream()
            .collect(Collectors.groupingBy(Arrival::sequence, Collectors.counting()));
        assertThat(copies).hasSize(PINGS);
        assertThat(copies.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 2L));
        assertThat(copies.values().stream().filter(n -> n == 2).count()).isEqualTo(link.duplicated());
        assertThat(link.duplicated()).isBetween(50L, 150L);
        assertThat(link.delivered()).isEqualTo(PINGS + link.duplicated());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void corruptionFlipsExactlyOneBit(long seed) {
        PingPair pair = new PingPair(seed, LinkConditions.IDEAL.withCorruption(0.1), MILLISECOND_NANOS, PINGS,
            PING_BYTES);
        List<byte[]> sent = new ArrayList<>();
        pair.sim.addTap((now, from, to, datagram) -> {
            if (to.equals(ECHO)) {
                sent.add(datagram);
            }
        });
        pair.runToTheEnd();

        List<byte[]> received = pair.echo.arrivals.stream().map(Arrival::bytes).toList();
        assertThat(received).hasSize(PINGS);
        int corrupted = 0;
        for (int i = 0; i < PINGS; i++) {
            int bits = differingBits(sent.get(i), received.get(i));
            assertThat(bits).as("datagram %d", i).isBetween(0, 1);
            corrupted += bits;
        }
        assertThat((long) corrupted).isEqualTo(pair.towardsEcho().corrupted()).isBetween(50L, 150L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reorderingLetsLaterDatagramsOvertake(long seed) {
        LinkConditions reordering = LinkConditions.IDEAL.withDelay(Duration.ofMillis(10))
            .withReordering(0.1, Duration.ofMillis(5));
        PingPair pair = new PingPair(seed, reordering, TENTH_MILLISECOND_NANOS, PINGS, PING_BYTES).runToTheEnd();
        Link link = pair.towardsEcho();

        List<Long> order = pair.echo.arrivals.stream().map(Arrival::sequence).toList();
        assertThat(order).hasSize(PINGS).doesNotHaveDuplicates().isNotEqualTo(order.stream().sorted().toList());
        assertThat(link.reordered()).isBetween(50L, 150L);
        assertThat(pair.echo.arrivals).allSatisfy(a -> assertThat(a.atNanos() - sentAt(pair, a))
            .isBetween(10 * MILLISECOND_NANOS, 15 * MILLISECOND_NANOS));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void jitterAloneNeverReorders(long seed) {
        LinkConditions jitter = LinkConditions.IDEAL.withDelay(Duration.ofMillis(10)).withJitter(Duration.ofMillis(5));
        PingPair pair = new PingPair(seed, jitter, TENTH_MILLISECOND_NANOS, PINGS, PING_BYTES).runToTheEnd();

        assertThat(pair.echo.arrivals).extracting(Arrival::sequence).hasSize(PINGS).isSorted();
        Map<Long, Long> oneWayDelays = pair.echo.arrivals.stream()
            .collect(Collectors.groupingBy(a -> a.atNanos() - sentAt(pair, a), Collectors.counting()));
        assertThat(oneWayDelays.keySet()).as("jitter varies the delay")
            .hasSizeGreaterThan(PINGS / 10)
            .allSatisfy(d -> assertThat(d).isBetween(10 * MILLISECOND_NANOS, 15 * MILLISECOND_NANOS));
        assertThat(pair.towardsEcho().reordered()).isZero();
    }

    private static long sentAt(PingPair pair, Arrival arrival) {
        return pair.pinger.sentAtNanos[(int) arrival.sequence()];
    }

    private static int differingBits(byte[] a, byte[] b) {
        assertThat(b).hasSameSizeAs(a);
        int bits = 0;
        for (int i = 0; i < a.length; i++) {
            bits += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return bits;
    }
}
