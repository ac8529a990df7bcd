package io.github.udptunnel.bench.compare;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.Peers;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.TunnelPeer;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.CongestionAlgorithm;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.relay.RateLimitedQueue;
import io.github.udptunnel.relay.UdpRelay;
import io.github.udptunnel.sim.LinkConditions;

/**
 * One measurement of the comparison, alone and traced, to see what a row is made of (issue 14's work on the congestion
 * control used it). Five forms:
 *
 * <ul>
 *   <li>{@code LOSS DELAY_MS [SECONDS]}: one transfer through the lossy relay, with the server's window, smoothed RTT,
 *       retransmissions and sending rate printed every 200 ms;</li>
 *   <li>{@code goodput [RUNS]}: the loopback warm-up, then RUNS (5) goodput runs of 2 s and their median, to compare
 *       two builds side by side;</li>
 *   <li>{@code rr [ALGORITHM]}: the loopback warm-up, then three runs of 10,000 64-byte round trips, with the given
 *       congestion control (DELAY_TARGET, VEGAS, RENO) at both ends;</li>
 *   <li>{@code alone-PEER}: one PEER flow (tunnel, quic-cubic, quic-bbr, tls) through the 100 Mbit/s bottleneck
 *       for 5 s, with the echo RTT during it over the echo RTT before it, as the bottleneck section runs it (the
 *       tunnel's server and the bottleneck traced as in the next form);</li>
 *   <li>{@code beside-PEER}: a tunnel flow and a PEER flow (tunnel, quic-cubic, quic-bbr, tls) through one shared
 *       100 Mbit/s bottleneck for 5 s, as the bottleneck section runs them, with the tunnel server's windows, smoothed
 *       RTTs and sending rates and the bottleneck's queueing delay printed every 200 ms.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.compare.RelayTrace 0.01 10 5}
 */
public final class RelayTrace {

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);

    private RelayTrace() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("goodput")) {
            loopbackGoodput(args.length > 1 ? Integer.parseInt(args[1]) : 5);
        } else if (args.length > 0 && args[0].equals("rr")) {
            requestResponse(CongestionAlgorithm.valueOf(args.length > 1 ? args[1] : "DELAY_TARGET"));
        } else if (args.length > 0 && args[0].startsWith("alone-")) {
            alone(args[0].substring("alone-".length()));
        } else if (args.length > 0 && args[0].startsWith("beside-")) {
            beside(args[0].substring("beside-".length()));
        } else {
            double loss = args.length > 0 ? Double.parseDouble(args[0]) : 0.01;
            long delay = args.length > 1 ? Long.parseLong(args[1]) : 10;
            lossyTransfer(loss, delay, Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5));
        }
        System.exit(0);
    }

    private static void lossyTransfer(double loss, long delayMillis, Duration time) throws Exception {
        LinkConditions each = LinkConditions.IDEAL.withLoss(loss).withDelay(Duration.ofMillis(delayMillis));
        try (TunnelPeer peer = new TunnelPeer(new Service());
             UdpRelay relay = UdpRelay.start(peer.serverAddress(), each, each, 0x10557L)) {
            AtomicBoolean done = new AtomicBoolean();
            startSampler(() -> sampleServer(peer, null, done));
            double mbs = Drive.goodput(peer, relay.address(), time);
            done.set(true);
            System.out.printf("goodput %.2f MB/s%n", mbs);
            UdpRelay.Direction down = relay.targetToClient();
            UdpRelay.Direction up = relay.clientToTarget();
            // Retransmissions well above the data's losses are of packets that arrived; few acks, a sender in bursts.
            System.out.printf("relay: data %d lost of %d, acks %d lost of %d%n", down.lost(), down.received(), up.lost(),
                up.received());
        }
    }

    private static void startSampler(Runnable sampler) {
        Thread thread = new Thread(sampler, "relay-trace");
        thread.setDaemon(true);
        thread.start();
    }

    /** Prints the server's connections every {@link #SAMPLE_EVERY}, and the bottleneck's queueing delay if given. */
    private static void sampleServer(TunnelPeer peer, RateLimitedQueue bottleneck, AtomicBoolean done) {
        long start = System.nanoTime();
        // By connection key: through one relay a transfer and an echo connection come from the same address.
        Map<PublicKey, Long> lastBytes = new HashMap<>();
        try {
            while (!done.get()) {
                Thread.sleep(SAMPLE_EVERY.toMillis());
                long now = System.nanoTime();
                String queue = bottleneck == null ? "" : String.format(" queue %5.1f ms",
                    bottleneck.backlogBytes(now) * 1e3 / bottleneck.bytesPerSecond());
                for (ConnectionStats s : peer.serverEndpoint().connections()) {
                    long before = lastBytes.getOrDefault(s.connectionKey(), 0L);
                    System.out.printf("t=%4d ms window %5d srtt %6.1f ms retransmits %5d %6.2f MB/s%s%n",
                        (now - start) / 1_000_000, s.window(), s.smoothedRttNanos() / 1e6,
                        s.retransmits(), (s.bytesSent() - before) / (SAMPLE_EVERY.toNanos() / 1e9) / 1e6, queue);
                    lastBytes.put(s.connectionKey(), s.bytesSent());
                }
            }
        } catch (Exception e) {
            if (!done.get()) {
                e.printStackTrace();
            }
        }
    }

    private static void requestResponse(CongestionAlgorithm algorithm) throws Exception {
        try (TunnelPeer peer = new TunnelPeer(new Service(),
                 b -> TunnelPeer.LOOPBACK_BENCH.apply(b).engine(e -> e.congestionAlgorithm(algorithm)), true)) {
            Drive.warmUp(peer);
            for (int r = 0; r < 3; r++) {
                double[] p = Samples.percentilesMicros(Drive.requestResponse(peer, ComparisonBenchmark.RR_WARMUP,
                    ComparisonBenchmark.RR_ROUNDS));
                System.out.printf("%s: 64-byte request/response p50 %.0f us, p99 %.0f us%n", algorithm, p[0], p[1]);
            }
        }
    }

    private static void loopbackGoodput(int runs) throws Exception {
        try (TunnelPeer peer = new TunnelPeer(new Service(), TunnelPeer.LOOPBACK_BENCH, true)) {
            Drive.warmUp(peer);
            double[] mbs = new double[runs];
            for (int r = 0; r < runs; r++) {
                mbs[r] = Drive.goodput(peer, peer.serverAddress(), ComparisonBenchmark.GOODPUT_TIME);
                System.out.printf("loopback goodput %.1f MB/s%n", mbs[r]);
            }
            java.util.Arrays.sort(mbs);
            System.out.printf("median %.1f MB/s%n", mbs[runs / 2]);
        }
    }

    private static void alone(String name) throws Exception {
        try (Peer peer = Peers.open(name, new Service())) {
            Drive.warmUp(peer);  // as the benchmark does: a cold JVM's first transfer is the JIT's
            RateLimitedQueue bottleneck = BottleneckPaths.newBottleneck();
            AtomicBoolean done = new AtomicBoolean();
            if (peer instanceof TunnelPeer tunnel) {
                startSampler(() -> sampleServer(tunnel, bottleneck, done));
            }
            double[] r = BottleneckPaths.alone(peer, 0xB077L, ComparisonBenchmark.LOSSY_GOODPUT_TIME, bottleneck);
            done.set(true);
            System.out.printf("%s alone %.2f MB/s, echo RTT during / before %.2f%n", name, r[0], r[1]);
        }
    }

    private static void beside(String other) throws Exception {
        // Two tunnel flows share one server and one client, as the bottleneck section runs them.
        boolean both = other.equals(Peers.TUNNEL);
        try (Peer tunnel = Peers.open(Peers.TUNNEL, new Service());
             Peer second = both ? null : Peers.open(other, new Service())) {
            Peer peer = both ? tunnel : second;
            RateLimitedQueue bottleneck = BottleneckPaths.newBottleneck();
            AtomicBoolean done = new AtomicBoolean();
            startSampler(() -> sampleServer((TunnelPeer) tunnel, bottleneck, done));
            double[] r = BottleneckPaths.together(tunnel, peer, 0xB077L, ComparisonBenchmark.LOSSY_GOODPUT_TIME,
                bottleneck);
            done.set(true);
            System.out.printf("tunnel %.2f MB/s, %s %.2f MB/s%n", r[0], other, r[1]);
        }
    }
}
