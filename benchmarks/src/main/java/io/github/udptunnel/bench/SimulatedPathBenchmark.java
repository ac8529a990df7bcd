package io.github.udptunnel.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.udptunnel.engine.CongestionAlgorithm;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.sim.LinkConditions;

/**
 * Goodput and queueing delay of one bulk transfer in the simulator, on issue 3's path: 10 Mbit/s, 40 ms round
 * trip, a 100-packet queue, at 0%, 1% and 5% random loss, for DelayTarget (the default), Vegas and a Reno-style
 * window in the same simulator; then issue 14's bottleneck ({@link BottleneckRows}). Virtual time: the numbers do
 * not depend on the machine. Prints docs/BENCHMARKS.md tables.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.SimulatedPathBenchmark}
 */
public final class SimulatedPathBenchmark {

    static final long LINK_BITS_PER_SECOND = 10_000_000;
    static final Duration ONE_WAY = Duration.ofMillis(20);
    static final int QUEUE_PACKETS = 100;
    static final Duration RUN = Duration.ofSeconds(60);
    static final Duration WARM_UP = Duration.ofSeconds(10);
    static final long[] SEEDS = {1, 2, 3};

    private SimulatedPathBenchmark() {
    }

    public static void main(String[] args) {
        int dataPerPacket = args.length > 0 ? Integer.parseInt(args[0]) : 1088;
        System.out.println("Simulated path, " + LocalDate.now() + ", JDK " + System.getProperty("java.version")
            + ": 10 Mbit/s, 40 ms RTT, 100-packet queue, " + dataPerPacket + " B of data per packet, "
            + RUN.toSeconds() + " s per run (first " + WARM_UP.toSeconds() + " s not counted), median of seeds "
            + java.util.Arrays.toString(SEEDS));
        System.out.println("| control | loss | goodput, share of 10 Mbit/s | steady RTT / base RTT | retransmissions "
            + "| of which arrived twice |");
        System.out.println("|---|---|---|---|---|---|");
        for (CongestionAlgorithm algorithm : CongestionAlgorithm.values()) {
            for (double loss : new double[] {0, 0.01, 0.05}) {
                List<double[]> runs = new ArrayList<>();
                for (long seed : SEEDS) {
                    runs.add(run(seed, loss, algorithm, dataPerPacket));
                }
                double goodput = median(runs, 0);
                double rtt = median(runs, 1);
                double retransmits = median(runs, 2);
                double duplicates = median(runs, 3);
                System.out.printf("| %s | %.0f%% | %.1f%% | %.2fx | %,.0f | %,.0f |%n", algorithm, loss * 100,
                    goodput * 100, rtt, retransmits, duplicates);
            }
        }
        System.out.println();
        BottleneckRows.print();
    }

    /** One run: share of link capacity delivered after warm-up, median RTT over base, retransmissions. */
    static double[] run(long seed, double loss, CongestionAlgorithm algorithm, int dataPerPacket) {
        LinkConditions path = LinkConditions.IDEAL.withBandwidthBitsPerSecond(LINK_BITS_PER_SECOND)
            .withDelay(ONE_WAY).withQueueLimitPackets(QUEUE_PACKETS).withLoss(loss);
        TunnelFixture f = new TunnelFixture(seed, path, b -> b.congestionAlgorithm(algorithm),
            b -> b.congestionAlgorithm(algorithm).maxDataPerPacket(dataPerPacket)
                .connectTimeout(Duration.ofSeconds(60)));
        TunnelFixture.Transfer t = f.endlessUpload(Duration.ofSeconds(60));
        long start = f.sim.now();
        f.sim.runUntil(() -> {
            t.pump(f.sim.now());
            return f.sim.now() - start >= WARM_UP.toNanos();
        }, RUN.toNanos());
        long receivedAtWarmUp = t.received;
        long measureStart = f.sim.now();
        List<Double> rtts = new ArrayList<>();
        long[] nextSample = {measureStart};
        f.sim.runUntil(() -> {
            t.pump(f.sim.now());
            if (f.sim.now() >= nextSample[0]) {
                ConnectionStats stats = t.senderStats();
                if (stats.smoothedRttNanos() > 0) {
                    rtts.add((double) stats.smoothedRttNanos());
                }
                nextSample[0] += Duration.ofMillis(100).toNanos();
            }
            return f.sim.now() - start >= RUN.toNanos();
        }, RUN.toNanos());
        double seconds = (f.sim.now() - measureStart) / 1e9;
        double share = (t.received - receivedAtWarmUp) * 8 / seconds / LINK_BITS_PER_SECOND;
        // Base RTT: propagation both ways plus serializing one full data packet and one ack.
        double baseRtt = 2 * ONE_WAY.toNanos() + (1232 + 96) * 8e9 / LINK_BITS_PER_SECOND;
        Collections.sort(rtts);
        double rtt = rtts.isEmpty() ? Double.NaN : rtts.get(rtts.size() / 2) / baseRtt;
        return new double[] {share, rtt, t.senderStats().retransmits(),
            f.server.stats().get(io.github.udptunnel.engine.Counter.DUPLICATES_RECEIVED)};
    }

    private static double median(List<double[]> runs, int column) {
        List<Double> v = new ArrayList<>();
        for (double[] r : runs) {
            v.add(r[column]);
        }
        Collections.sort(v);
        return v.get(v.size() / 2);
    }
}
