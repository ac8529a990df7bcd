package io.github.udptunnel.engine;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import io.github.udptunnel.testing.Seeds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link DelayTarget} reads the queue: a flow with a few packets a round must judge it as one with hundreds does.
 * Through one bottleneck the queue rises and falls within a round (each flow's window leaves in bursts); a large flow's
 * packets sample the whole round, a small flow's burst samples one instant of it. Taken as the smallest RTT of a round,
 * the large flow found the lowest point and the small one, at a random point, saw more queue, cut more, got smaller
 * and saw still more (two flows through the relay's bottleneck kept 0.18 and 0.82). The acks are fed by hand here, at
 * the instants of a round the flow's packets would come back; every run is seeded.
 */
class DelayReadingTest {

    private static final long MS = 1_000_000L;
    private static final long BASE_RTT = 40 * MS;
    private static final int LARGE = 400;
    private static final int SMALL = 12;

    static long[] seeds() {
        return Seeds.of(0xDE1A_0000L, 8);
    }

    /** A flow fed acks by hand: {@code packets} a round, each with the RTT of the instant it comes back. */
    private static final class Flow {
        final DelayTarget control = new DelayTarget(1 << 20);
        long now;
        long delivered;
        int cuts;

        /**
         * One round: packet {@code i} comes back at {@code instant.applyAsDouble(i)} (a fraction of the round) with an
         * RTT of the base plus {@code queueMillis} at that instant.
         */
        void round(int packets, DoubleUnaryOperator instant, DoubleUnaryOperator queueMillis) {
            long start = now;
            for (int i = 0; i < packets; i++) {
                double at = instant.applyAsDouble(i);
                long rtt = BASE_RTT + (long) (queueMillis.applyAsDouble(at) * MS);
                now = start + (long) (at * BASE_RTT);
                int before = control.window();
                delivered++;
                control.onAck(now, 1, delivered, delivered + packets, rtt, BASE_RTT);
                if (control.window() < before) {
                    cuts++;
                }
            }
            now = start + BASE_RTT;
        }

        /** A round of the whole window, its packets spread evenly over it. */
        void wholeWindow(DoubleUnaryOperator queueMillis) {
            int packets = control.window();
            round(packets, i -> i / (double) packets, queueMillis);
        }

        /** Out of slow start: a queue far above the target cuts it, as on a path that filled. */
        Flow afterSlowStart(int packets, DoubleUnaryOperator instant) {
            for (int r = 0; r < 4; r++) {
                round(packets, instant, at -> 20);
            }
            cuts = 0;
            return this;
        }
    }

    /** The queue of this test: it rises from nothing to 6 ms through each round, above the 4 ms target at the top. */
    private static double sawtooth(double at) {
        return 6 * at;
    }

    /** A large flow and a small one behind one queue, the small one's burst at a random instant of each round. */
    private static final class TwoFlows {
        final SplittableRandom random;
        final DoubleUnaryOperator spread = i -> i / (double) LARGE;
        final double[] burstAt = new double[1];
        final DoubleUnaryOperator burst = i -> burstAt[0] + i * 1e-4;
        final Flow large = new Flow().afterSlowStart(LARGE, spread);
        final Flow small = new Flow().afterSlowStart(SMALL, burst);

        TwoFlows(long seed) {
            random = new SplittableRandom(seed);
        }

        void rounds(int rounds, DoubleUnaryOperator queueMillis) {
            for (int r = 0; r < rounds; r++) {
                burstAt[0] = random.nextDouble(0.99);
                large.round(LARGE, spread, queueMillis);
                small.round(SMALL, burst, queueMillis);
            }
        }

        void countCutsFromHere() {
            large.cuts = 0;
            small.cuts = 0;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aSmallFlowIsNotCutMoreOftenThanALargeOneByTheSameQueue(long seed) {
        TwoFlows flows = new TwoFlows(seed);
        flows.rounds(50, DelayReadingTest::sawtooth);    // the readings' noise learnt: from here on, the steady state
        flows.countCutsFromHere();
        flows.rounds(250, DelayReadingTest::sawtooth);
        // Both see the same queue; each also takes a round below the path every 2 s to see the base RTT (5 in 10 s).
        assertThat(flows.small.cuts).as("cuts of the small flow against the large one's %d", flows.large.cuts)
            .isLessThanOrEqualTo(flows.large.cuts + 2);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aQueueAboveTheTargetCutsSmallAndLargeFlowsAlike(long seed) {
        TwoFlows flows = new TwoFlows(seed);
        flows.rounds(50, DelayReadingTest::sawtooth);
        flows.countCutsFromHere();
        flows.rounds(6, at -> 12 + sawtooth(at));   // 12 to 18 ms: a round to see it, a cut, a round settling
        assertThat(flows.large.cuts).as("cuts of the large flow").isGreaterThanOrEqualTo(1);
        assertThat(flows.small.cuts).as("cuts of the small flow").isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oneRoundAboveTheTargetSlowsSlowStartWithoutEndingIt(long seed) {
        // A second flow starting beside one in slow start sees that one's bursts: a round above the target, then
        // rounds without a queue. A reading of that round began conservative growth, and the round's end took the
        // flow for conservative already and ended its slow start.
        SplittableRandom random = new SplittableRandom(seed);
        Flow flow = new Flow();
        int quietRounds = 3 + random.nextInt(3);
        for (int r = 0; r < quietRounds; r++) {
            flow.wholeWindow(at -> 0);
        }
        int before = flow.control.window();
        double burstMillis = 5 + random.nextDouble(3);      // above the 4 ms target, below twice it
        flow.wholeWindow(at -> burstMillis);
        flow.wholeWindow(at -> at < 0.1 ? burstMillis : 0);  // the queue drains during the next round's first packets
        flow.wholeWindow(at -> 0);
        flow.wholeWindow(at -> 0);
        assertThat(flow.cuts).as("cuts").isZero();
        assertThat(flow.control.window()).as("window three quiet rounds after, from %d", before)
            .isGreaterThanOrEqualTo(3 * before);
    }
}
