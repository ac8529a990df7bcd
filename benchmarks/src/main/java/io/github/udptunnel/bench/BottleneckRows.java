package io.github.udptunnel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.udptunnel.engine.CongestionAlgorithm;
import io.github.udptunnel.engine.SharedBottleneck;
import io.github.udptunnel.sim.LinkConditions;

import static io.github.udptunnel.engine.CongestionAlgorithm.DELAY_TARGET;
import static io.github.udptunnel.engine.CongestionAlgorithm.RENO;
import static io.github.udptunnel.engine.CongestionAlgorithm.VEGAS;

/**
 * Issue 14's bottleneck in the simulator: 100 Mbit/s, 20 ms each way, a drop-tail buffer of one path-length (422
 * packets). One flow of each control alone (goodput and RTT during the transfer), two flows of one control, and a
 * flow beside a Reno-style flow that started first, and two flows that start together. Virtual time; seed 1.
 */
final class BottleneckRows {

    static final long BITS_PER_SECOND = 100_000_000;
    static final Duration ONE_WAY = Duration.ofMillis(20);
    static final int QUEUE_PACKETS = 422;
    static final Duration WARM_UP = Duration.ofSeconds(5);
    static final Duration MEASURED = Duration.ofSeconds(10);
    static final Duration SECOND_FLOW_SETTLES = Duration.ofSeconds(10);
    static final Duration START_TOGETHER = Duration.ofSeconds(5);
    static final int START_OFFSET_MAX_MILLIS = 80;

    private BottleneckRows() {
    }

    static void print() {
        System.out.println("Bottleneck: 100 Mbit/s, 20 ms each way, " + QUEUE_PACKETS + "-packet (one BDP) drop-tail "
            + "buffer; " + WARM_UP.toSeconds() + " s warm-up, then " + MEASURED.toSeconds() + " s measured; seed 1");
        System.out.println("| flows | goodput, share of capacity | RTT during transfer / base | drops at the buffer |");
        System.out.println("|---|---|---|---|");
        for (CongestionAlgorithm a : new CongestionAlgorithm[] {DELAY_TARGET, VEGAS, RENO}) {
            SharedBottleneck b = new SharedBottleneck(1, path(), a);
            b.start(0);
            b.run(WARM_UP);
            List<Long> rtts = new ArrayList<>();
            double[] s = measure(b, 1, rtts);
            Collections.sort(rtts);
            System.out.printf("| %s alone | %.1f%% | %.2fx | %,d |%n", a, s[0] * 100,
                rtts.get(rtts.size() / 2) / (double) b.baseRttNanos(), b.bottleneckLink(0).droppedByQueue());
        }
        for (CongestionAlgorithm[] pair : new CongestionAlgorithm[][] {{DELAY_TARGET, DELAY_TARGET},
            {VEGAS, VEGAS}, {RENO, DELAY_TARGET}, {RENO, VEGAS}}) {
            SharedBottleneck b = new SharedBottleneck(1, path(), pair);
            b.start(0);
            b.run(WARM_UP);
            b.start(1);
            b.run(SECOND_FLOW_SETTLES);
            List<Long> rtts = new ArrayList<>();
            double[] s = measure(b, 2, rtts);
            Collections.sort(rtts);
            System.out.printf("| %s (first) + %s | %.1f%% + %.1f%% | %.2fx | %,d |%n", pair[0], pair[1],
                s[0] * 100, s[1] * 100, rtts.get(rtts.size() / 2) / (double) b.baseRttNanos(),
                b.bottleneckLink(0).droppedByQueue() + b.bottleneckLink(1).droppedByQueue());
        }
        printStartTogether();
    }

    /**
     * Two flows that start together, as the relay's 5 s sharing row runs them: the second starts 0 to 80 ms after
     * the first (two round trips, in steps of 5 ms), and the smaller flow's part of their first 5 s is taken.
     */
    static void printStartTogether() {
        List<Double> smaller = new ArrayList<>();
        for (int offsetMillis = 0; offsetMillis <= START_OFFSET_MAX_MILLIS; offsetMillis += 5) {
            SharedBottleneck b = new SharedBottleneck(1, path(), DELAY_TARGET, DELAY_TARGET);
            b.start(0);
            b.run(Duration.ofMillis(offsetMillis));
            b.start(1);
            long first = b.flow(0).received();
            long second = b.flow(1).received();
            b.run(START_TOGETHER);
            double a = b.flow(0).received() - first;
            double c = b.flow(1).received() - second;
            smaller.add(Math.min(a, c) / (a + c));
        }
        Collections.sort(smaller);
        System.out.printf("| %s + %s starting 0 to %d ms apart, their first %d s: the smaller one's part | median %.2f "
            + "(%.2f..%.2f, %d runs) | | |%n", DELAY_TARGET, DELAY_TARGET, START_OFFSET_MAX_MILLIS,
            START_TOGETHER.toSeconds(), smaller.get(smaller.size() / 2), smaller.get(0),
            smaller.get(smaller.size() - 1), smaller.size());
    }

    private static LinkConditions path() {
        return LinkConditions.IDEAL.withBandwidthBitsPerSecond(BITS_PER_SECOND).withDelay(ONE_WAY)
            .withQueueLimitPackets(QUEUE_PACKETS);
    }

    /** Each flow's goodput over the measured time as a share of capacity; RTT samples of flow 0 every 100 ms. */
    private static double[] measure(SharedBottleneck b, int flows, List<Long> rtts) {
        long[] before = new long[flows];
        for (int i = 0; i < flows; i++) {
            before[i] = b.flow(i).received();
        }
        long start = b.sim.now();
        b.run(MEASURED, Duration.ofMillis(100), () -> rtts.add(b.flow(0).smoothedRttNanos()));
        double seconds = (b.sim.now() - start) / 1e9;
        double[] shares = new double[flows];
        for (int i = 0; i < flows; i++) {
            shares[i] = (b.flow(i).received() - before[i]) * 8 / seconds / b.goodputCapacityBitsPerSecond();
        }
        return shares;
    }
}
