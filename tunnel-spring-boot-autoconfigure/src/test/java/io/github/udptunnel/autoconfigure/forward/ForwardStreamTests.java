package io.github.udptunnel.autoconfigure.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;


/**
 * Bulk streams through a forward over real sockets: bytes arrive exactly, and a service that stops reading holds the
 * client back (backpressure through TCP, the tunnel's flow control and TCP again) instead of growing memory.
 */
class ForwardStreamTests {

    private static final Duration SAFETY = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    /** A service that reads nothing until let go, then reads everything and digests it. */
    static final class Sink implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final CountDownLatch letGo = new CountDownLatch(1);
        final CompletableFuture<byte[]> digest = new CompletableFuture<>();
        final AtomicLong read = new AtomicLong();

        Sink(boolean stalled) throws IOException {
            if (!stalled) {
                letGo.countDown();
            }
            Thread t = new Thread(this::serve, "sink");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void serve() {
            try (Socket s = socket.accept()) {
                letGo.await();
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sha.update(buffer, 0, n);
                    read.addAndGet(n);
                }
                digest.complete(sha.digest());
            } catch (Exception e) {
                digest.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            letGo.countDown();
            socket.close();
        }
    }

    /** Writes {@code total} seeded bytes, counting as it goes; returns their digest. */
    static byte[] write(Socket s, long total, long seed, AtomicLong written) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = s.getOutputStream();
        for (long left = total; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha.update(chunk, 0, n);
            written.addAndGet(n);
            left -= n;
        }
        s.shutdownOutput();
        return sha.digest();
    }

    private ApplicationContextRunner runner(Sink sink) {
        return ForwardContexts.runner(dir).withPropertyValues(ForwardContexts.forwardTo("sink", sink.address()));
    }

    /**
     * The most a stalled path may hold: the four kernel socket buffers of the two TCP legs (Linux grows each to a few
     * MiB on loopback), two copy buffers, the rings and the tunnel's windows (2 MiB). Far below what was offered.
     */
    static final long BOUND = 48L << 20;

    @Test
    void aServiceThatStopsReadingHoldsTheClientBackThenGetsEveryByte() throws Exception {
        long offered = 256L << 20;
        try (Sink sink = new Sink(true)) {
            runner(sink).run(context -> {
                TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                AtomicLong written = new AtomicLong();
                try (Socket s = TcpTargets.connect(forwarder.forward("sink").localAddress())) {
                    CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                        try {
                            return write(s, offered, 42, written);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    // Wait until the writer stops making progress (ten polls in a row see the same count).
                    // Should the machine stall, this ends sooner, when less is written: the bound below can only
                    // be easier to meet, never falsely missed; without backpressure the writer would finish.
                    long[] last = {-1};
                    int[] still = {0};
                    Awaitility.await().atMost(SAFETY).pollInterval(Duration.ofMillis(200)).until(() -> {
                        long now = written.get();
                        still[0] = now == last[0] ? still[0] + 1 : 0;
                        last[0] = now;
                        return still[0] >= 10;
                    });
                    assertThat(sent).isNotDone();
                    assertThat(written.get()).as("bytes the client got rid of while the service read nothing")
                        .isLessThan(BOUND);
                    sink.letGo.countDown();
                    byte[] expected = sent.get(SAFETY.toSeconds(), TimeUnit.SECONDS);
                    assertThat(sink.digest.get(SAFETY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
                    assertThat(sink.read.get()).isEqualTo(offered);
                }
            });
        }
    }

    @Test
    @Tag("big")
    void oneGibibyteArrivesByteExact() throws Exception {
        long total = 1L << 30;
        try (Sink sink = new Sink(false)) {
            runner(sink).run(context -> {
                TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                try (Socket s = TcpTargets.connect(forwarder.forward("sink").localAddress())) {
                    byte[] expected = write(s, total, 7, new AtomicLong());
                    assertThat(sink.digest.get(SAFETY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
                    assertThat(sink.read.get()).isEqualTo(total);
                    // Counted after each send returns, which can be after the service has the bytes.
                    ForwardStats stats = forwarder.forward("sink").stats();
                    Awaitility.await().atMost(SAFETY).until(() -> stats.upstreamBytes() == total);
                }
            });
        }
    }
}
