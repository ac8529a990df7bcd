package io.github.udptunnel.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.testing.Seeds;

import static io.github.udptunnel.engine.CongestionAlgorithm.DELAY_TARGET;
import static io.github.udptunnel.engine.CongestionAlgorithm.RENO;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link DelayTarget} promises (docs/CONGESTION.md), each shown by bulk flows through a simulated bottleneck in
 * virtual time. Every run is seeded; a failure names its seed and the flows' counters.
 */
class DelayTargetTest {

    private static final long MBIT = 1_000_000;
    private static final Duration ONE_WAY = Duration.ofMillis(20);

    static long[] seeds() {
        return Seeds.of(0x9B0B_0000L, 3);
    }

    private static LinkConditions path(long bitsPerSecond, int queuePackets) {
        return LinkConditions.IDEAL.withBandwidthBitsPerSecond(bitsPerSecond).withDelay(ONE_WAY)
            .withQueueLimitPackets(queuePackets);
    }

    /** Packets a path holds: its rate times its base RTT, in DATA packets of 1184 bytes. */
    private static int bdpPackets(long bitsPerSecond) {
        return (int) (bitsPerSecond * 2 * ONE_WAY.toNanos() / 1_000_000_000L / (1184 * 8));
    }

    /** Goodput of each flow over {@code duration}, as a share of the bottleneck's goodput capacity. */
    private static double[] shares(SharedBottleneck b, Duration duration, int flows) {
        long[] before = new long[flows];
        for (int i = 0; i < flows; i++) {
            before[i] = b.flow(i).received();
        }
        long start = b.sim.now();
        b.run(duration);
        double seconds = (b.sim.now() - start) / 1e9;
        double[] shares = new double[flows];
        for (int i = 0; i < flows; i++) {
            shares[i] = (b.flow(i).received() - before[i]) * 8 / seconds / b.goodputCapacityBitsPerSecond();
        }
        return shares;
    }

    /** The first flow's goodput over the next {@code duration}, as a share of what {@code path} carries. */
    private static double shareOfFirst(SharedBottleneck b, Duration duration, LinkConditions path) {
        return shareOfFirst(b, duration, path, () -> { });
    }

    /** The same, with {@code sample} run every 50 ms of it. */
    private static double shareOfFirst(SharedBottleneck b, Duration duration, LinkConditions path, Runnable sample) {
        long before = b.flow(0).received();
        long start = b.sim.now();
        b.run(duration, Duration.ofMillis(50), sample);
        return (b.flow(0).received() - before) * 8 / ((b.sim.now() - start) / 1e9)
            / SharedBottleneck.goodputCapacityBitsPerSecond(path);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void growsIntoRoomThePathGainsWithinAFewDozenRoundTrips(long seed) {
        LinkConditions slow = path(10 * MBIT, 100);
        SharedBottleneck b = new SharedBottleneck(seed, slow, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(5));
        // The bottleneck gets five times faster: room that only growth, not slow start, can find.
        LinkConditions fast = path(50 * MBIT, 2 * bdpPackets(50 * MBIT));
        b.sim.setConditions(b.flow(0).address, SharedBottleneck.SERVER, fast);
        b.run(Duration.ofSeconds(1));                          // 25 round trips; Vegas, one packet a round, needs 300
        double share = shareOfFirst(b, Duration.ofSeconds(2), fast);
        assertThat(share).as("share of 50 Mbit/s in the 2 s after the first second; %s", b).isGreaterThan(0.9);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aPassingDelayInSlowStartDoesNotEndIt(long seed) {
        // 100 ms each way: slow start needs seven round trips (1.4 s) to fill 50 Mbit/s, growth after it thirty more.
        Duration oneWay = Duration.ofMillis(100);
        long rate = 50 * MBIT;
        int bdp = (int) (rate * 2 * oneWay.toNanos() / 1_000_000_000L / (1184 * 8));
        LinkConditions longPath = LinkConditions.IDEAL.withBandwidthBitsPerSecond(rate).withDelay(oneWay)
            .withQueueLimitPackets(bdp);
        SharedBottleneck b = new SharedBottleneck(seed, longPath, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofMillis(800));
        // For 40 ms the acks take 15 ms longer (a host busy for a moment): more than half the 20 ms target, in
        // slow start's samples, and then gone. Slow start slows down for it, and goes on once it has passed.
        LinkConditions back = LinkConditions.IDEAL.withDelay(oneWay);
        b.sim.setConditions(SharedBottleneck.SERVER, b.flow(0).address, back.withDelay(oneWay.plusMillis(15)));
        b.run(Duration.ofMillis(40));
        b.sim.setConditions(SharedBottleneck.SERVER, b.flow(0).address, back);
        b.run(Duration.ofMillis(1660));
        double share = shareOfFirst(b, Duration.ofSeconds(2), longPath);
        assertThat(share).as("share of 50 Mbit/s from 2.5 to 4.5 s; %s", b).isGreaterThan(0.85);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aLoneFlowThatTookADelayForALossBasedFlowsQueueGoesBackToItsTarget(long seed) {
        // For a second the acks take 20 ms longer (a busy host, a JVM that compiles): a delay that no cut of this
        // flow's takes away, as a loss-based flow's queue would not go, so the flow competes as with one, fills the
        // buffer to a loss and keeps it full. Alone, it must find that the queue is its own and go back to the target.
        LinkConditions onePath = path(20 * MBIT, bdpPackets(20 * MBIT));
        SharedBottleneck b = new SharedBottleneck(seed, onePath, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(3));
        LinkConditions back = LinkConditions.IDEAL.withDelay(ONE_WAY);
        b.sim.setConditions(SharedBottleneck.SERVER, b.flow(0).address, back.withDelay(ONE_WAY.plusMillis(20)));
        long dropsBefore = b.bottleneckLink(0).droppedByQueue();
        b.run(Duration.ofSeconds(1));
        b.sim.setConditions(SharedBottleneck.SERVER, b.flow(0).address, back);
        b.run(Duration.ofSeconds(2));
        long dropsWhileCompeting = b.bottleneckLink(0).droppedByQueue() - dropsBefore;
        b.run(Duration.ofSeconds(8));
        long dropsBeforeLast = b.bottleneckLink(0).droppedByQueue();
        List<Long> rtts = new ArrayList<>();
        double share = shareOfFirst(b, Duration.ofSeconds(5), onePath, () -> rtts.add(b.flow(0).smoothedRttNanos()));
        Collections.sort(rtts);
        assertThat(dropsWhileCompeting).as("it competed: filled the buffer to a loss; %s", b).isPositive();
        assertThat(rtts.get(rtts.size() / 2) / (double) b.baseRttNanos()).as("median RTT over base; %s", b)
            .isLessThanOrEqualTo(1.2);
        assertThat(b.bottleneckLink(0).droppedByQueue() - dropsBeforeLast).as("overflows at the end; %s", b).isZero();
        assertThat(share).as("share of the link at the end; %s", b).isGreaterThan(0.9);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void doesNotGrowIntoADeepBuffer(long seed) {
        // A buffer of ten path-lengths: a loss-based flow would fill it and multiply the RTT by eleven.
        LinkConditions deep = path(20 * MBIT, 10 * bdpPackets(20 * MBIT));
        SharedBottleneck b = new SharedBottleneck(seed, deep, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(3));
        List<Long> rtts = new ArrayList<>();
        double share = shareOfFirst(b, Duration.ofSeconds(10), deep, () -> rtts.add(b.flow(0).smoothedRttNanos()));
        Collections.sort(rtts);
        double p90 = rtts.get(rtts.size() * 9 / 10) / (double) b.baseRttNanos();
        assertThat(p90).as("90th percentile of the smoothed RTT over base; %s", b).isLessThanOrEqualTo(1.5);
        assertThat(b.bottleneckLink(0).droppedByQueue()).as("buffer overflows; %s", b).isZero();
        assertThat(share).as("share of the link; %s", b).isGreaterThan(0.95);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void holdsItsWindowThroughRandomLoss(long seed) {
        SharedBottleneck one = new SharedBottleneck(seed, path(10 * MBIT, 100).withLoss(0.01), DELAY_TARGET);
        one.start(0);
        one.run(Duration.ofSeconds(5));
        double atOnePercent = shares(one, Duration.ofSeconds(15), 1)[0];
        SharedBottleneck five = new SharedBottleneck(seed, path(10 * MBIT, 100).withLoss(0.05), DELAY_TARGET);
        five.start(0);
        five.run(Duration.ofSeconds(5));
        double atFivePercent = shares(five, Duration.ofSeconds(15), 1)[0];
        // Shares of goodput capacity; issue 3's goals are of the raw link: 85% and 70% of it.
        assertThat(atOnePercent * 1088 / 1184).as("1%% random loss; %s", one).isGreaterThanOrEqualTo(0.85);
        assertThat(atFivePercent * 1088 / 1184).as("5%% random loss; %s", five).isGreaterThanOrEqualTo(0.70);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fillsALongFatPathWhoseDelayJitters(long seed) {
        // Up to 2 ms of jitter on a 40 ms path, as a busy host adds: rounds whose smallest RTT is a little above the
        // base are noise, not a queue (Vegas, which counts them, keeps 71% here).
        LinkConditions jittery = path(100 * MBIT, bdpPackets(100 * MBIT)).withJitter(Duration.ofMillis(2));
        SharedBottleneck b = new SharedBottleneck(seed, jittery, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(3));
        double share = shares(b, Duration.ofSeconds(8), 1)[0];
        assertThat(share).as("share of 100 Mbit/s with 2 ms of jitter; %s", b).isGreaterThan(0.85);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void backsOffWhenTheBottleneckSlowsAndItsBufferOverflows(long seed) {
        SharedBottleneck b = new SharedBottleneck(seed, path(20 * MBIT, 20), DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(5));
        // Half the rate: the window now holds twice what the path does, and the 20-packet buffer overflows.
        LinkConditions half = path(10 * MBIT, 20);
        b.sim.setConditions(b.flow(0).address, SharedBottleneck.SERVER, half);
        long dropsBefore = b.bottleneckLink(0).droppedByQueue();
        b.run(Duration.ofSeconds(2));
        long dropsAtChange = b.bottleneckLink(0).droppedByQueue() - dropsBefore;
        long dropsAfterTwoSeconds = b.bottleneckLink(0).droppedByQueue();
        List<Long> rtts = new ArrayList<>();
        double share = shareOfFirst(b, Duration.ofSeconds(10), half, () -> rtts.add(b.flow(0).smoothedRttNanos()));
        Collections.sort(rtts);
        assertThat(dropsAtChange).as("the change overflows the buffer; %s", b).isPositive();
        assertThat(b.bottleneckLink(0).droppedByQueue() - dropsAfterTwoSeconds).as("overflows once settled; %s", b)
            .isZero();
        assertThat(rtts.get(rtts.size() / 2) / (double) SharedBottleneck.baseRttNanos(half))
            .as("median RTT over base; %s", b).isLessThanOrEqualTo(1.5);
        assertThat(share).as("share of the slower link; %s", b).isGreaterThan(0.9);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void twoFlowsConvergeToEqualShares(long seed) {
        for (long rate : new long[] {10 * MBIT, 20 * MBIT}) {
            SharedBottleneck b = new SharedBottleneck(seed, path(rate, bdpPackets(rate)), DELAY_TARGET,
                DELAY_TARGET);
            b.start(0);
            b.run(Duration.ofSeconds(5));
            b.start(1);                                         // joins a path the first flow already fills
            b.run(Duration.ofSeconds(10));                      // 250 round trips to converge
            double[] s = shares(b, Duration.ofSeconds(20), 2);
            double total = s[0] + s[1];
            assertThat(total).as("the link stays full; %s", b).isGreaterThan(0.9);
            assertThat(Math.abs(s[0] - s[1]) / total).as("%d bit/s: difference of the shares %.3f and %.3f; %s",
                rate, s[0], s[1], b).isLessThanOrEqualTo(0.1);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void keepsItsPartBesideALossBasedFlow(long seed) {
        // The Reno-style flow starts first and fills the one-BDP buffer; a pure delay-based flow would yield it all.
        SharedBottleneck b = new SharedBottleneck(seed, path(20 * MBIT, bdpPackets(20 * MBIT)), RENO, DELAY_TARGET);
        b.start(0);
        b.run(Duration.ofSeconds(5));
        b.start(1);
        b.run(Duration.ofSeconds(10));
        double[] s = shares(b, Duration.ofSeconds(20), 2);
        assertThat(s[1] / (s[0] + s[1])).as("share beside Reno (%.3f, %.3f); %s", s[1], s[0], b)
            .isGreaterThanOrEqualTo(0.4);
    }
}
