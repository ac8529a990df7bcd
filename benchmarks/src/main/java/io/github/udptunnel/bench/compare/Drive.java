package io.github.udptunnel.bench.compare;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.udptunnel.bench.peer.Pattern;
import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.StreamConnection;

/** The measures, written once and run the same way against every {@link Peer}. */
final class Drive {

    private Drive() {
    }

    /**
     * MB/s of application bytes the client reads from one connection in {@code duration}, counted from the request
     * on, every byte checked against the {@link Pattern}.
     */
    static double goodput(Peer peer, InetSocketAddress to, Duration duration) throws Exception {
        try (StreamConnection c = peer.connect(to)) {
            Pattern pattern = Pattern.shared();
            byte[] buffer = new byte[Pattern.CHUNK];
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            c.write(new byte[] {Service.SOURCE}, 0, 1);
            long position = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                int n = c.read(buffer, 0, buffer.length);
                if (n < 0) {
                    throw new IllegalStateException(peer.name() + ": the stream ended after " + position + " bytes");
                }
                if (!pattern.matches(buffer, n, position)) {
                    throw new IllegalStateException(peer.name() + ": wrong bytes at " + position);
                }
                position += n;
            }
            return position / ((now - start) / 1e9) / 1e6;
        }
    }

    /** The same warm-up for every peer: a second of goodput, some round trips, a second of handshakes. */
    static void warmUp(Peer peer) throws Exception {
        goodput(peer, peer.serverAddress(), ComparisonBenchmark.WARMUP);
        requestResponse(peer, 0, ComparisonBenchmark.RR_WARMUP);
        handshakes(peer, 1, ComparisonBenchmark.WARMUP);
    }

    /** Round-trip times in nanos of 64-byte messages on one connection, after {@code warmup} unmeasured rounds. */
    static long[] requestResponse(Peer peer, int warmup, int rounds) throws Exception {
        return requestResponse(peer, peer.serverAddress(), warmup, rounds);
    }

    /** As {@link #requestResponse(Peer, int, int)}, through {@code to} (a relay in front of the server). */
    static long[] requestResponse(Peer peer, InetSocketAddress to, int warmup, int rounds) throws Exception {
        try (StreamConnection c = peer.connect(to)) {
            c.write(new byte[] {Service.ECHO}, 0, 1);
            byte[] request = new byte[Service.MESSAGE_BYTES];
            byte[] response = new byte[Service.MESSAGE_BYTES];
            long[] samples = new long[rounds];
            for (int i = -warmup; i < rounds; i++) {
                long t0 = System.nanoTime();
                c.write(request, 0, request.length);
                if (!c.readFully(response, 0, response.length)) {
                    throw new IllegalStateException(peer.name() + ": the echo ended");
                }
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
            c.shutdownOutput();
            return samples;
        }
    }

    /**
     * Full handshakes per second by {@code threads} client threads for {@code duration}: a new connection, a
     * 64-byte first message, close.
     */
    static double handshakes(Peer peer, int threads, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            byte[] first = new byte[Service.MESSAGE_BYTES];
            first[0] = Service.FIRST_MESSAGE;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    int done = 0;
                    while (System.nanoTime() < end) {
                        try (StreamConnection c = peer.connect(peer.serverAddress())) {
                            c.write(first, 0, first.length);
                        }
                        done++;
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Integer> w : workers) {
                total += w.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
