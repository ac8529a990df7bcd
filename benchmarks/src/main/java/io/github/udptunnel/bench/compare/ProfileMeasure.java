package io.github.udptunnel.bench.compare;

import java.nio.file.Path;
import java.time.Duration;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.Peers;
import io.github.udptunnel.bench.peer.Service;

/**
 * One measure of the comparison, for one peer, run long enough for a profiler: what {@code benchmarks/profile.sh}
 * records with JFR to show where a row's time goes: the recording (JFR's "profile" settings, every thread park)
 * covers the measure only, after the warm-up, and is written to the file given by {@code -Dprofile.jfr}. Arguments: goodput, rr, handshakes or handshakes8; a peer
 * (tunnel, tls, quic-cubic, quic-bbr; default tunnel); seconds (default 15). Or: flood, seconds (the tunnel's
 * goodput quiet, then under the comparison's HELLO flood). Prints the measure, as the comparison
 * would (the recording's overhead included).
 */
public final class ProfileMeasure {

    private ProfileMeasure() {
    }

    public static void main(String[] args) throws Exception {
        String measure = args[0];
        if (measure.equals("flood")) {
            Duration time = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
            Recording recording = startRecording();  // the flood run has its own warm-up: its quiet half
            FloodRun.Outcome o = FloodRun.run(ComparisonBenchmark.FLOOD_HELLOS_PER_SECOND, time,
                ComparisonBenchmark.HANDSHAKE_TIME);
            System.out.printf("goodput %.1f MB/s flooded, %.1f quiet (the recording covers both)%n",
                o.floodedGoodput(), o.quietGoodput());
            stopRecording(recording);
            System.exit(0);
        }
        String peerName = args.length > 1 ? args[1] : Peers.TUNNEL;
        Duration time = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 15);
        try (Peer peer = Peers.open(peerName, new Service())) {
            Drive.warmUp(peer);
            System.out.println("profiling " + measure + " of " + peerName + " for " + time.toSeconds() + " s");
            Recording recording = startRecording();
            switch (measure) {
                case "goodput" -> System.out.printf("goodput %.1f MB/s%n",
                    Drive.goodput(peer, peer.serverAddress(), time));
                case "rr" -> {
                    long end = System.nanoTime() + time.toNanos();
                    double[] p = null;
                    long rounds = 0;
                    while (System.nanoTime() < end) {
                        p = Samples.percentilesMicros(Drive.requestResponse(peer, 0, ComparisonBenchmark.RR_ROUNDS));
                        rounds += ComparisonBenchmark.RR_ROUNDS;
                    }
                    System.out.println("round trips recorded: " + rounds);
                    System.out.printf("64-byte request/response, last %d rounds: p50 %.0f us, p99 %.0f us%n",
                        ComparisonBenchmark.RR_ROUNDS, p[0], p[1]);
                }
                case "handshakes" -> System.out.printf("%.0f handshakes/s, one thread%n",
                    Drive.handshakes(peer, 1, time));
                case "handshakes8" -> System.out.printf("%.0f handshakes/s, 8 threads%n",
                    Drive.handshakes(peer, 8, time));
                default -> throw new IllegalArgumentException("goodput, rr, handshakes or handshakes8, not " + measure);
            }
            stopRecording(recording);
        }
        System.exit(0);
    }

    private static Recording startRecording() throws Exception {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO);
        recording.start();
        return recording;
    }

    private static void stopRecording(Recording recording) throws Exception {
        recording.stop();
        Path file = Path.of(System.getProperty("profile.jfr", "profile.jfr"));
        recording.dump(file);
        System.out.println("recorded " + file);
    }
}
