package io.github.udptunnel.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK TLS 1.3 over TCP, driven the way the tunnel is: goodput of one connection, full handshakes per second (a
 * new connection, a 64-byte first message, close; no resumption), and 64-byte request/response. The certificate is
 * self-signed, made at run time with the JDK's keytool; nothing is stored in the repository.
 */
final class TlsPeer implements AutoCloseable {

    private static final String PASSWORD = "bench-only";

    private final SSLContext context;
    private final SSLServerSocket listener;
    private final ExecutorService serverThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-server");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.SINK;

    enum Mode { SINK, ECHO, FIRST_MESSAGE }

    TlsPeer() throws Exception {
        KeyStore keys = selfSignedStore("EC");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        // Full handshakes only: no session cache on either side.
        context.getClientSessionContext().setSessionCacheSize(1);
        context.getClientSessionContext().setSessionTimeout(1);
        context.getServerSessionContext().setSessionCacheSize(1);
        listener = (SSLServerSocket) context.getServerSocketFactory()
            .createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        listener.setEnabledProtocols(new String[] {"TLSv1.3"});
        serverThreads.submit(this::acceptLoop);
    }

    /** A key store holding a fresh self-signed P-256 certificate for localhost, made by the JDK's keytool. */
    static KeyStore selfSignedStore(String algorithm) throws Exception {
        Path dir = Files.createTempDirectory("tls-bench");
        Path store = dir.resolve("server.p12");
        try {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", algorithm, algorithm.equals("EC") ? "-groupname" : "-keysize",
                algorithm.equals("EC") ? "secp256r1" : "2048", "-dname",
                "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
            byte[] output = keytool.getInputStream().readAllBytes();
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            return keys;
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) listener.accept();
                s.setTcpNoDelay(true);
                serverThreads.submit(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[256 * 1024];
            switch (mode) {
                case SINK -> {
                    while (in.read(buf) >= 0) {
                        // count nothing: the client times the transfer to its close
                    }
                    out.write(1);  // the client waits for this: everything was read
                    out.flush();
                }
                case ECHO -> {
                    DataInputStream data = new DataInputStream(in);
                    byte[] message = new byte[64];
                    while (true) {
                        data.readFully(message);
                        out.write(message);
                        out.flush();
                    }
                }
                case FIRST_MESSAGE -> new DataInputStream(in).readFully(new byte[64]);
                default -> { }
            }
        } catch (IOException ended) {
            // the client closed
        }
    }

    private SSLSocket connect() throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }

    /** MB/s of application bytes over one connection. */
    double goodput(long total) throws Exception {
        mode = Mode.SINK;
        try (SSLSocket s = connect()) {
            byte[] chunk = new byte[256 * 1024];
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            for (long at = 0; at < total; at += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, total - at));
            }
            out.flush();
            s.shutdownOutput();
            if (s.getInputStream().read() != 1) {
                throw new IllegalStateException("the TLS server did not confirm the transfer");
            }
            return total / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
    }

    /** Full handshakes per second: connect, handshake, a 64-byte first message, close; by {@code threads}. */
    double handshakes(int threads, int total) throws Exception {
        mode = Mode.FIRST_MESSAGE;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        byte[] first = new byte[64];
        long start = System.nanoTime();
        Future<?>[] workers = new Future<?>[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = pool.submit(() -> {
                while (done.getAndIncrement() < total) {
                    try (SSLSocket s = connect()) {
                        s.getOutputStream().write(first);
                        s.getOutputStream().flush();
                        s.getSession().invalidate();
                    }
                }
                return null;
            });
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        return total / ((System.nanoTime() - start) / 1e9);
    }

    /** 64-byte request/response latencies in nanos, after a quarter of {@code rounds} of warm-up. */
    long[] requestResponse(int rounds) throws Exception {
        mode = Mode.ECHO;
        try (SSLSocket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] request = new byte[64];
            byte[] response = new byte[64];
            long[] samples = new long[rounds];
            for (int i = -rounds / 4; i < rounds; i++) {
                long t0 = System.nanoTime();
                out.write(request);
                out.flush();
                in.readFully(response);
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
            return samples;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        serverThreads.shutdownNow();
    }

    /** A quick self-check: {@code java -cp benchmarks.jar io.github.udptunnel.bench.TlsPeer}. */
    public static void main(String[] args) throws Exception {
        try (TlsPeer tls = new TlsPeer()) {
            System.out.printf("TLS goodput %.0f MB/s%n", tls.goodput(256L << 20));
            System.out.printf("TLS handshakes/s sequential %.0f, 8 threads %.0f%n", tls.handshakes(1, 500),
                tls.handshakes(8, 1000));
            long[] rr = tls.requestResponse(20_000);
            Arrays.sort(rr);
            System.out.printf("TLS RR p50 %.1f us p99 %.1f us%n", rr[rr.length / 2] / 1e3,
                rr[(int) (rr.length * 0.99)] / 1e3);
        }
    }
}
