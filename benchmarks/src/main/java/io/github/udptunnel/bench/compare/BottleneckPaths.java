package io.github.udptunnel.bench.compare;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.relay.RateLimitedQueue;
import io.github.udptunnel.relay.UdpRelay;
import io.github.udptunnel.sim.LinkConditions;

/**
 * Issue 14's bottleneck on real sockets: the relay delays both directions by 20 ms and sends the server's data
 * through a 100 Mbit/s transmitter with a drop-tail buffer of one path-length (500 kB). Goodput alone, the echo RTT
 * of a second connection during the transfer against the same with no transfer, two flows at once, and a flow beside
 * another peer's flow (two relays sharing one bottleneck).
 */
final class BottleneckPaths {

    static final long BYTES_PER_SECOND = 12_500_000;
    static final Duration ONE_WAY = Duration.ofMillis(20);
    static final long QUEUE_BYTES = BYTES_PER_SECOND * 2 * ONE_WAY.toMillis() / 1000;
    static final int ECHO_WARMUP = 5;
    static final int ECHO_ROUNDS = 50;

    private BottleneckPaths() {
    }

    static String section() {
        return String.format("Through a %d Mbit/s bottleneck with a one-BDP drop-tail buffer (%,d B), %d ms each way "
            + "(UdpRelay)", BYTES_PER_SECOND * 8 / 1_000_000, QUEUE_BYTES, ONE_WAY.toMillis());
    }

    static RateLimitedQueue newBottleneck() {
        return new RateLimitedQueue(BYTES_PER_SECOND, QUEUE_BYTES);
    }

    static UdpRelay relay(InetSocketAddress server, long seed, RateLimitedQueue bottleneck) throws Exception {
        LinkConditions delay = LinkConditions.IDEAL.withDelay(ONE_WAY);
        UdpRelay relay = UdpRelay.start(server, delay, delay, seed);
        relay.targetToClient().shareBottleneck(bottleneck);  // the server's data is what fills it
        return relay;
    }

    /** Goodput (MB/s) of one transfer, and the echo RTT during it over the echo RTT before it (medians). */
    static double[] alone(Peer peer, long seed, Duration time) throws Exception {
        return alone(peer, seed, time, newBottleneck());
    }

    /** The same through a given bottleneck, which a caller may watch meanwhile. */
    static double[] alone(Peer peer, long seed, Duration time, RateLimitedQueue bottleneck) throws Exception {
        try (UdpRelay relay = relay(peer.serverAddress(), seed, bottleneck)) {
            double idle = medianNanos(Drive.requestResponse(peer, relay.address(), ECHO_WARMUP, ECHO_ROUNDS));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Double> goodput = pool.submit(() -> Drive.goodput(peer, relay.address(), time));
                Thread.sleep(time.toMillis() / 4);  // past slow start
                Future<long[]> echo = pool.submit(() -> Drive.requestResponse(peer, relay.address(), 0, ECHO_ROUNDS));
                double busy = medianNanos(echo.get());
                return new double[] {goodput.get(), busy / idle};
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Goodput (MB/s) of two transfers at once, {@code first} through one relay and {@code second} through another. */
    static double[] together(Peer first, Peer second, long seed, Duration time) throws Exception {
        return together(first, second, seed, time, newBottleneck());
    }

    /** The same through a given bottleneck, which a caller may watch meanwhile. */
    static double[] together(Peer first, Peer second, long seed, Duration time, RateLimitedQueue shared)
        throws Exception {
        try (UdpRelay a = relay(first.serverAddress(), seed, shared);
             UdpRelay b = relay(second.serverAddress(), seed + 1, shared)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Double> fa = pool.submit(goodput(first, a.address(), time));
                Future<Double> fb = pool.submit(goodput(second, b.address(), time));
                return new double[] {fa.get(), fb.get()};
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Callable<Double> goodput(Peer peer, InetSocketAddress to, Duration time) {
        return () -> Drive.goodput(peer, to, time);
    }

    private static double medianNanos(long[] samples) {
        return Samples.percentilesMicros(samples)[0];
    }
}
