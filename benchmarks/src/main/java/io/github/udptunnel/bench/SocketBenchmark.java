package io.github.udptunnel.bench;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.wire.HelloPacket;

/**
 * The tunnel on real loopback sockets beside raw UDP, in one run: goodput, handshakes per second, 64-byte
 * request/response latency, bytes the worker threads allocate per packet and per HELLO, idle CPU, and (with
 * {@code --connections N}) N concurrent connections with heap and RSS. Prints docs/BENCHMARKS.md rows.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.SocketBenchmark}
 */
public final class SocketBenchmark {

    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final int RUNS = 3;
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SocketBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length >= 2 && args[0].equals("--connections") ? Integer.parseInt(args[1]) : 0;
        System.out.println("Sockets on loopback, " + LocalDate.now() + ", JDK " + System.getProperty("java.version")
            + ", " + Runtime.getRuntime().availableProcessors() + " CPUs; medians of " + RUNS + " runs (min..max)");
        if (connections > 0) {
            manyConnections(connections);
            return;
        }
        System.out.println("| measure | tunnel | raw UDP, same run | tunnel / raw | JDK TLS 1.3, same run | tunnel / TLS |");
        System.out.println("|---|---|---|---|---|---|");
        try (TlsPeer tls = new TlsPeer()) {
            goodput(tls);
            requestResponse(tls);
            handshakes(tls);
        }
        allocationAndIdle();
    }

    // ---------------------------------------------------------------------------------------------------------

    static void goodput(TlsPeer tls) throws Exception {
        double[] tunnel = new double[RUNS];
        double[] raw = new double[RUNS];
        double[] overTls = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            raw[r] = rawUdpGoodput(1184, Duration.ofSeconds(3));
            tunnel[r] = tunnelGoodput(256L << 20);
            overTls[r] = tls.goodput(256L << 20);
        }
        row("goodput, one connection, 256 MiB (MB/s; raw UDP: 1184-byte datagrams, the size of a full DATA packet)",
            tunnel, raw, overTls, "%.0f");
    }

    static double tunnelGoodput(long total) throws Exception {
        try (TunnelEndpoint server = server(); TunnelEndpoint client = client()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            byte[] chunk = new byte[256 * 1024];
            long start = System.nanoTime();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    for (long at = 0; at < total; at += chunk.length) {
                        c.send(chunk, 0, (int) Math.min(chunk.length, total - at));
                    }
                    c.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long received = 0;
            byte[] m;
            while ((m = s.receive(PATIENCE)) != null) {
                received += m.length;
            }
            sender.get();
            if (received != total) {
                throw new IllegalStateException("received " + received + " of " + total);
            }
            return total / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
    }

    /** A sender flat out, a receiver counting: the ceiling the socket path allows. */
    static double rawUdpGoodput(int size, Duration duration) throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel sender = DatagramChannel.open()) {
            receiver.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            receiver.configureBlocking(false);
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalAddress();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread t = new Thread(() -> {
                ByteBuffer out = ByteBuffer.allocate(size);
                try {
                    while (running.get()) {
                        out.clear();
                        sender.send(out, to);
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            t.start();
            ByteBuffer in = ByteBuffer.allocate(2048);
            long bytes = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                in.clear();
                if (receiver.receive(in) != null) {
                    bytes += in.position();
                }
            }
            running.set(false);
            t.join();
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void requestResponse(TlsPeer tls) throws Exception {
        int rounds = 20_000;
        double[][] tunnel = new double[3][RUNS];
        double[][] raw = new double[3][RUNS];
        double[][] overTls = new double[3][RUNS];
        for (int r = 0; r < RUNS; r++) {
            long[] t = tunnelPingPong(rounds);
            long[] u = rawPingPong(rounds);
            long[] v = percentiles(tls.requestResponse(rounds));
            for (int q = 0; q < 3; q++) {
                tunnel[q][r] = t[q] / 1000.0;
                raw[q][r] = u[q] / 1000.0;
                overTls[q][r] = v[q] / 1000.0;
            }
        }
        row("64-byte request/response p50 (us)", tunnel[0], raw[0], overTls[0], "%.1f");
        row("64-byte request/response p99 (us)", tunnel[1], raw[1], overTls[1], "%.1f");
        row("64-byte request/response p999 (us)", tunnel[2], raw[2], overTls[2], "%.1f");
    }

    static long[] tunnelPingPong(int rounds) throws Exception {
        try (TunnelEndpoint server = server(); TunnelEndpoint client = client()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            Thread echo = new Thread(() -> {
                try {
                    byte[] m;
                    while ((m = s.receive()) != null) {
                        s.send(m);
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            echo.start();
            byte[] request = new byte[64];
            long[] samples = new long[rounds];
            for (int i = -rounds / 4; i < rounds; i++) {
                long t0 = System.nanoTime();
                c.send(request);
                c.receive();
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
            c.shutdownOutput();
            echo.join(5_000);
            return percentiles(samples);
        }
    }

    static long[] rawPingPong(int rounds) throws Exception {
        try (DatagramChannel a = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel b = DatagramChannel.open().bind(LOOPBACK)) {
            InetSocketAddress bAddress = (InetSocketAddress) b.getLocalAddress();
            Thread echo = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(2048);
                try {
                    while (true) {
                        buf.clear();
                        java.net.SocketAddress from = b.receive(buf);
                        buf.flip();
                        b.send(buf, from);
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            echo.start();
            ByteBuffer out = ByteBuffer.allocate(64);
            ByteBuffer in = ByteBuffer.allocate(2048);
            long[] samples = new long[rounds];
            for (int i = -rounds / 4; i < rounds; i++) {
                long t0 = System.nanoTime();
                out.clear();
                a.send(out, bAddress);
                in.clear();
                a.receive(in);
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
            b.close();
            echo.join(5_000);
            return percentiles(samples);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void handshakes(TlsPeer tls) throws Exception {
        double[] sequential = new double[RUNS];
        double[] concurrent = new double[RUNS];
        double[] tlsSequential = new double[RUNS];
        double[] tlsConcurrent = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            sequential[r] = handshakeRate(1, 1500);
            concurrent[r] = handshakeRate(8, 4000);
            tlsSequential[r] = tls.handshakes(1, 500);
            tlsConcurrent[r] = tls.handshakes(8, 1000);
        }
        row("full handshakes per second (connect, first message, close), sequential", sequential, null, tlsSequential,
            "%.0f");
        row("full handshakes per second, 8 concurrent client threads", concurrent, null, tlsConcurrent, "%.0f");
    }

    /** New connection, first message, close, by {@code threads} threads on one client endpoint. */
    static double handshakeRate(int threads, int total) throws Exception {
        // A closed connection keeps its slot for three RTOs (to acknowledge a retransmitted FIN), so at thousands
        // of handshakes a second the tables need thousands of slots; small rings keep that cheap.
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(1)).bind(LOOPBACK).name("bench-server")
                 .ringBytes(4096).engine(b -> b.maxConnections(16_384).handshakeRateLimitPerSource(1_000_000, 1_000_000))
                 .open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).name("bench-client")
                 .ringBytes(4096).engine(b -> b.maxConnections(16_384)).open()) {
            AtomicBoolean serving = new AtomicBoolean(true);
            Thread acceptor = new Thread(() -> {
                try {
                    while (serving.get()) {
                        TunnelConnection s = server.accept(Duration.ofMillis(100));
                        if (s != null) {
                            s.receive(PATIENCE);
                            s.close();
                        }
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            acceptor.start();
            byte[] first = new byte[64];
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicLong done = new AtomicLong();
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    while (done.getAndIncrement() < total) {
                        TunnelConnection c = client.connect(server.localAddress(), "server", PATIENCE);
                        c.send(first);
                        c.close();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            double rate = total / ((System.nanoTime() - start) / 1e9);
            pool.shutdown();
            serving.set(false);
            acceptor.join(5_000);
            return rate;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void allocationAndIdle() throws Exception {
        System.out.println();
        System.out.println("| worker measure | value |");
        System.out.println("|---|---|");
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(1)).bind(LOOPBACK).name("bench-server")
                 .engine(b -> b.handshakeRateLimit(1_000_000, 1_000_000).handshakeRateLimitPerSource(1_000_000, 1_000_000))
                 .open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).name("bench-client")
                 .open()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            long serverThread = threadId("bench-server");
            long clientThread = threadId("bench-client");
            transfer(c, s, 64L << 20);  // warm up
            long packetsBefore = packets(server) + packets(client);
            long allocBefore = THREADS.getThreadAllocatedBytes(serverThread) + THREADS.getThreadAllocatedBytes(clientThread);
            transfer(c, s, 256L << 20);
            long alloc = THREADS.getThreadAllocatedBytes(serverThread) + THREADS.getThreadAllocatedBytes(clientThread)
                - allocBefore;
            long packets = packets(server) + packets(client) - packetsBefore;
            System.out.printf("| bytes both workers allocate per DATA packet, steady transfer | %.3f B (%d B over %d packets) |%n",
                (double) alloc / packets, alloc, packets);

            long cpuBefore = THREADS.getThreadCpuTime(serverThread) + THREADS.getThreadCpuTime(clientThread);
            Thread.sleep(5_000);
            long cpu = THREADS.getThreadCpuTime(serverThread) + THREADS.getThreadCpuTime(clientThread) - cpuBefore;
            System.out.printf("| CPU both idle workers use (one open connection, 5 s) | %.2f ms per second |%n",
                cpu / 1e6 / 5);

            // A HELLO flood from one raw socket: the worker answers each with a COOKIE.
            byte[] hello = new byte[HelloPacket.SIZE];
            HelloPacket.encode(ByteBuffer.wrap(hello), 0, TunnelFixture.keyPair(3).publicKey().toBytes(), 0);
            try (DatagramChannel flood = DatagramChannel.open().bind(LOOPBACK)) {
                flood.configureBlocking(false);
                ByteBuffer out = ByteBuffer.wrap(hello);
                ByteBuffer sink = ByteBuffer.allocate(2048);
                floodHellos(flood, out, sink, server.localAddress(), 3_000);  // warm up
                long hellosBefore = server.stats().get(Counter.HELLO_RECEIVED);
                long floodAllocBefore = THREADS.getThreadAllocatedBytes(serverThread);
                floodHellos(flood, out, sink, server.localAddress(), 10_000);
                long floodAlloc = THREADS.getThreadAllocatedBytes(serverThread) - floodAllocBefore;
                long hellos = server.stats().get(Counter.HELLO_RECEIVED) - hellosBefore;
                System.out.printf("| bytes the server worker allocates per HELLO (COOKIE answered) | %.0f B over %d HELLOs |%n",
                    (double) floodAlloc / hellos, hellos);
            }
            System.out.printf("| bytes a plain DatagramChannel receive loop allocates per datagram, same JDK | %.1f B |%n",
                rawReceiveAllocation());
        }
    }

    static void floodHellos(DatagramChannel flood, ByteBuffer hello, ByteBuffer sink, InetSocketAddress to, int count)
        throws Exception {
        for (int i = 0; i < count; i++) {
            hello.clear();
            flood.send(hello, to);
            if (i % 16 == 0) {
                Thread.sleep(0, 200_000);  // paced below the worker's rate: every HELLO gets its answer
            }
            sink.clear();
            while (flood.receive(sink) != null) {
                sink.clear();
            }
        }
        Thread.sleep(200);
    }

    static double rawReceiveAllocation() throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel sender = DatagramChannel.open()) {
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalAddress();
            ByteBuffer out = ByteBuffer.allocate(224);
            ByteBuffer in = ByteBuffer.allocate(2048);
            long[] measured = new long[2];
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        if (i == 5_000) {
                            measured[0] = THREADS.getCurrentThreadAllocatedBytes();
                        }
                        in.clear();
                        receiver.receive(in);
                    }
                    measured[1] = THREADS.getCurrentThreadAllocatedBytes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            for (int i = 0; i < 20_000 && t.isAlive(); i++) {
                out.clear();
                sender.send(out, to);
                if (i % 64 == 0) {
                    Thread.sleep(1);
                }
            }
            t.join(10_000);
            return t.isAlive() ? Double.NaN : (measured[1] - measured[0]) / 15_000.0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void manyConnections(int n) throws Exception {
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(1)).bind(LOOPBACK).ringBytes(4096)
                 .engine(b -> b.maxConnections(n + 16).bufferSegments(4 * n + 1024)
                     .handshakeRateLimitPerSource(1_000_000, 1_000_000).idleTimeout(Duration.ofMinutes(5)))
                 .open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).ringBytes(4096)
                 .engine(b -> b.maxConnections(n + 16).bufferSegments(4 * n + 1024).idleTimeout(Duration.ofMinutes(5)))
                 .open()) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            long start = System.nanoTime();
            List<Future<TunnelConnection>> connects = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                connects.add(pool.submit(() -> client.connect(server.localAddress(), "server", PATIENCE)));
            }
            List<TunnelConnection> clients = new ArrayList<>();
            for (Future<TunnelConnection> f : connects) {
                clients.add(f.get(5, TimeUnit.MINUTES));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<TunnelConnection> servers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                servers.add(server.accept(PATIENCE));
            }
            CountDownLatch exchanged = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                TunnelConnection c = clients.get(i);
                TunnelConnection s = servers.get(i);
                pool.submit(() -> {
                    c.send(new byte[100]);
                    s.send(s.receive(PATIENCE));
                    c.receive(PATIENCE);
                    exchanged.countDown();
                    return null;
                });
            }
            boolean all = exchanged.await(5, TimeUnit.MINUTES);
            pool.shutdownNow();
            System.gc();
            Thread.sleep(500);
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("| %d concurrent connections (one client endpoint, one server, one process) | established in %.1f s (%.0f/s), every one echoed a message: %s; heap after GC %d MB (both endpoints), RSS %s |%n",
                n, seconds, n / seconds, all, heap >> 20, rss());
        }
    }

    static String rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return "unknown";
    }

    // ---------------------------------------------------------------------------------------------------------

    static TunnelEndpoint server() throws Exception {
        return TunnelEndpoint.server(TunnelFixture.keyPair(1)).bind(LOOPBACK).name("bench-server")
            .engine(b -> b.handshakeRateLimitPerSource(1_000_000, 1_000_000)).open();
    }

    static TunnelEndpoint client() throws Exception {
        return TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).name("bench-client").open();
    }

    static void transfer(TunnelConnection c, TunnelConnection s, long total) throws Exception {
        byte[] chunk = new byte[256 * 1024];
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (long at = 0; at < total; at += chunk.length) {
                    c.send(chunk, 0, (int) Math.min(chunk.length, total - at));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long received = 0;
        while (received < total) {
            received += s.receive(PATIENCE).length;
        }
        sender.get();
    }

    static long packets(TunnelEndpoint e) {
        return e.stats().get(Counter.DATA_SENT) + e.stats().get(Counter.DATA_RECEIVED);
    }

    static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }

    static long[] percentiles(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new long[] {sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)],
            sorted[(int) (sorted.length * 0.999)]};
    }

    static void row(String what, double[] tunnel, double[] raw, double[] tls, String format) {
        double t = median(tunnel);
        System.out.println("| " + what + " | " + cell(tunnel, format) + " | " + cell(raw, format) + " | "
            + ratio(t, raw) + " | " + cell(tls, format) + " | " + ratio(t, tls) + " |");
    }

    static String cell(double[] v, String format) {
        return v == null ? "" : String.format(format + " (" + format + ".." + format + ")", median(v), min(v), max(v));
    }

    static String ratio(double ours, double[] theirs) {
        return theirs == null ? "" : String.format("%.2f", ours / median(theirs));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
