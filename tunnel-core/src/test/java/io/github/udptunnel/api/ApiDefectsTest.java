package io.github.udptunnel.api;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 9's API and worker defects, each pinned on real loopback UDP sockets. Nothing here sleeps or measures time:
 * tests wait on states, and every timeout is a safety net (60 s or more) that only a defect reaches.
 */
class ApiDefectsTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration SAFETY = Duration.ofSeconds(60);
    private static final KeyPair SERVER_KEY = TunnelFixture.keyPair(909);

    private final List<TunnelEndpoint> endpoints = new ArrayList<>();
    private final List<TunnelConnection> connections = new ArrayList<>();
    private final List<CountDownLatch> toRelease = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "api-defects-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void cleanUp() {
        toRelease.forEach(CountDownLatch::countDown);
        // Aborted first, so that closing the endpoints need not wait for peers that are gone.
        for (TunnelConnection c : connections) {
            try {
                c.abort();
            } catch (Exception ignored) {
                // old versions declare IOException: the endpoint is closed already
            }
        }
        for (int i = endpoints.size() - 1; i >= 0; i--) {
            endpoints.get(i).close();
        }
        pool.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Stale handles

    /**
     * Defect 1: a stale handle read another connection's plaintext. The server's only slot is aborted and taken by
     * client B; the old handle's tryReceive must refuse (ConnectionClosedException), never hand out B's bytes.
     */
    @Test
    void aStaleHandleNeverReadsTheConnectionThatTookItsSlot() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY).engine(b -> b.maxConnections(1)));
        TunnelEndpoint clientA = open(client());
        TunnelEndpoint clientB = open(client());
        TunnelConnection a = track(clientA.connect(server.localAddress(), SAFETY));
        TunnelConnection s1 = track(server.accept(SAFETY));
        s1.abort();
        waitUntil("client A sees the abort", () -> a.closeReason() != null);

        TunnelConnection b = track(connectWhileFull(clientB, server.localAddress()));
        TunnelConnection s2 = track(server.accept(SAFETY));
        byte[] secret = "secret of B".getBytes(UTF_8);
        b.send(secret);
        // Counted and delivered to the ring in the same worker cycle, and nothing has read the ring.
        waitUntil("the server received B's message", () -> {
            ConnectionStats stats = s2.stats();
            return stats != null && stats.bytesReceived() >= secret.length;
        });

        AtomicReference<byte[]> leaked = new AtomicReference<>();
        Throwable thrown = catchThrowable(() -> leaked.set(s1.tryReceive()));
        assertThat(leaked.get() == null ? null : new String(leaked.get(), UTF_8))
            .as("what the stale handle s1 read").isNull();
        assertThat(thrown).isInstanceOf(ConnectionClosedException.class);
        assertThat(s2.receive(SAFETY)).isEqualTo(secret);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Half-close

    /**
     * Defect 2: early end of stream after a half-close. The client half-closes, the server answers 1 MiB and closes;
     * the client reads only once the connection has ended (both FINs done), through a 4 KiB ring: every message
     * must still arrive, then null. Ten connections, as the end can be misplaced by a race with the reader.
     */
    @Test
    void everyMessageBeforeTheEndIsReadAfterAHalfClose() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(client().ringBytes(4096));
        for (int round = 0; round < 10; round++) {
            TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
            TunnelConnection s = track(server.accept(SAFETY));
            c.send("request".getBytes(UTF_8));
            c.shutdownOutput();
            Future<?> responder = pool.submit(() -> {
                assertThat(s.receive(SAFETY)).isEqualTo("request".getBytes(UTF_8));
                for (int i = 0; i < 1024; i++) {
                    s.send(message(i, 1024));
                }
                s.close();
                return null;
            });

            waitUntil("the connection ended on the client", () -> c.closeReason() != null);
            responder.get(SAFETY.toSeconds(), TimeUnit.SECONDS);
            int read = 0;
            try {
                for (; read < 1024; read++) {
                    assertThat(c.receive(SAFETY)).isEqualTo(message(read, 1024));
                }
            } catch (IOException e) {
                fail("round " + round + ": the client got " + e + " after " + read + " of 1024 messages", e);
            }
            assertThat(c.receive(SAFETY)).as("the end of the stream").isNull();
            c.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Close with a full ring

    /**
     * Defect 3: close() silently became abort() when the send ring was full. The pipe is filled until the ring
     * takes nothing more (not even an empty message), then the client closes: the server must still receive every
     * message sent, then the end of the stream, not a reset.
     */
    @Test
    void closeWithAFullRingDeliversEverythingThenEnds() throws Exception {
        TunnelEndpoint server = open(smallPipe(TunnelEndpoint.server(SERVER_KEY)));
        TunnelEndpoint client = open(smallPipe(client()));
        TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
        TunnelConnection s = track(server.accept(SAFETY));

        // One-part messages only (a 4 KiB ring's parts are 512 bytes): a refused send has sent nothing.
        List<Integer> sizes = new ArrayList<>();
        for (int size : new int[] {512, 256, 128, 64, 32, 16, 8, 0}) {
            Duration wait = Duration.ofMillis(size == 512 ? 200 : 50);
            while (c.send(message(sizes.size(), size), wait)) {
                sizes.add(size);
            }
        }
        c.close();

        int got = 0;
        try {
            byte[] m;
            while ((m = s.receive(SAFETY)) != null) {
                assertThat(got).as("messages received").isLessThan(sizes.size());
                assertThat(m).isEqualTo(message(got, sizes.get(got)));
                got++;
            }
        } catch (IOException e) {
            fail("the server got " + e + " after " + got + " of " + sizes.size() + " messages", e);
        }
        assertThat(got).isEqualTo(sizes.size());
    }

    private static TunnelEndpoint.Builder smallPipe(TunnelEndpoint.Builder b) {
        return b.ringBytes(4096).maxMessageBytes(16 * 1024)
            .engine(e -> e.receiveWindowBytes(64 * 1024).sendBufferBytes(64 * 1024));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. Lost wake-up

    /**
     * Defect 4: a lost wake-up between the worker's inboundBlocked flag and the reader's advance of the ring's head
     * (a store then a load on each side, with no fence between), which stalls the connection for good. A stress
     * test: 4 KiB rings on both sides, 64 MiB of messages of 100 to 3000 bytes, read one at a time.
     */
    @Test
    void smallRingsNeverStall() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY).ringBytes(4096));
            TunnelEndpoint client = open(client().ringBytes(4096));
            TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
            TunnelConnection s = track(server.accept(SAFETY));
            long total = 64L << 20;
            Future<Integer> sender = pool.submit(() -> {
                SplittableRandom sizes = new SplittableRandom(4);
                int i = 0;
                for (long sent = 0; sent < total; i++) {
                    int size = sizes.nextInt(100, 3001);
                    c.send(message(i, size));
                    sent += size;
                }
                c.shutdownOutput();
                return i;
            });
            SplittableRandom sizes = new SplittableRandom(4);
            int i = 0;
            byte[] m;
            while ((m = s.receive()) != null) {
                assertThat(m).isEqualTo(message(i, sizes.nextInt(100, 3001)));
                i++;
            }
            assertThat(i).isEqualTo(sender.get());
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. Futures of a stopping worker

    /**
     * Defect 5: a request queued for the worker just as it stopped was never answered, so its caller waited
     * forever. Eight threads ask for connections(), a connection's stats() and rebind() while the endpoint closes:
     * each must end, with an answer or an IOException. Ten rounds.
     */
    @Test
    void everyCallerReturnsWhenTheEndpointCloses() throws Exception {
        for (int round = 0; round < 10; round++) {
            TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
            TunnelEndpoint client = open(client());
            TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
            TunnelConnection s = track(server.accept(SAFETY));
            CountDownLatch calling = new CountDownLatch(8);
            List<Future<IOException>> callers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int kind = t % 4;
                callers.add(pool.submit(() -> {
                    try {
                        while (true) {
                            switch (kind) {
                                case 0, 1 -> client.connections();
                                case 2 -> c.stats();
                                default -> client.rebind(ANY_LOOPBACK);
                            }
                            calling.countDown();
                        }
                    } catch (IOException e) {
                        return e;
                    } finally {
                        calling.countDown();
                    }
                }));
            }
            assertThat(calling.await(SAFETY.toSeconds(), TimeUnit.SECONDS)).isTrue();
            client.close();
            for (int t = 0; t < callers.size(); t++) {
                try {
                    assertThat(callers.get(t).get(SAFETY.toSeconds(), TimeUnit.SECONDS)).isNotNull();
                } catch (TimeoutException e) {
                    fail("round " + round + ": caller " + t + " (" + (t % 4 < 2 ? "connections" : t % 4 == 2
                        ? "stats" : "rebind") + ") still waits " + SAFETY + " after the endpoint closed");
                }
            }
            s.abort();  // its peer is gone: the server's close need not wait for it
            server.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. Trust store

    /**
     * Defect 6a: the trust store ran on the worker thread, so a store that throws killed the endpoint. A connect
     * under the name the store fails on must fail alone; the established connection still echoes.
     */
    @Test
    void aFailingTrustStoreFailsOnlyItsConnect() throws Exception {
        TestKnownHosts store = new TestKnownHosts();
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(TunnelEndpoint.client(store));
        TunnelConnection c = track(client.connect(server.localAddress(), "good", SAFETY));
        echo(track(server.accept(SAFETY)));
        assertEchoes(c, "before");

        assertThatThrownBy(() -> client.connect(server.localAddress(), "broken", SAFETY))
            .isInstanceOf(IOException.class);
        assertEchoes(c, "after");
        assertThat(client.connections()).as("the endpoint is still open").isNotEmpty();
    }

    /**
     * Defect 6b: the trust store ran on the worker thread, so a slow store stalled every connection. While a
     * connect waits in pinIfAbsent, the established connection still echoes; once the store answers, the connect
     * succeeds.
     */
    @Test
    void aSlowTrustStoreStallsOnlyItsConnect() throws Exception {
        TestKnownHosts store = new TestKnownHosts();
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(TunnelEndpoint.client(store));
        TunnelConnection c = track(client.connect(server.localAddress(), "good", SAFETY));
        echo(track(server.accept(SAFETY)));

        Future<TunnelConnection> slow = pool.submit(() -> track(client.connect(server.localAddress(), "slow", SAFETY)));
        assertThat(store.slowEntered.await(SAFETY.toSeconds(), TimeUnit.SECONDS)).isTrue();
        try {
            assertEchoes(c, "while the store is blocked");
        } finally {
            store.slowRelease.countDown();
        }
        assertThat(slow.get(SAFETY.toSeconds(), TimeUnit.SECONDS).isOpen()).isTrue();
    }

    /** Pins in memory; throws for "broken"; blocks in pinIfAbsent for "slow" until released. */
    private final class TestKnownHosts implements KnownHosts {
        final InMemoryKnownHosts pins = new InMemoryKnownHosts();
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final CountDownLatch slowRelease = released(new CountDownLatch(1));

        @Override
        public PublicKey lookup(String host) {
            if (host.equals("broken")) {
                throw new IllegalStateException("the store is unreachable");
            }
            return pins.lookup(host);
        }

        @Override
        public PublicKey pinIfAbsent(String host, PublicKey key) {
            if (host.equals("broken")) {
                throw new IllegalStateException("the store is unreachable");
            }
            if (host.equals("slow")) {
                slowEntered.countDown();
                try {
                    if (!slowRelease.await(2 * SAFETY.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return pins.pinIfAbsent(host, key);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 9. API edges

    /** Defect 9: receive(timeout) with nothing coming returned null, like the end of the stream; it must throw. */
    @Test
    void aReceiveThatTimesOutThrows() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(client());
        TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
        assertThat(track(server.accept(SAFETY))).isNotNull();
        assertThatThrownBy(() -> c.receive(Duration.ofMillis(50))).isInstanceOf(SocketTimeoutException.class);
        assertThat(c.isOpen()).isTrue();
    }

    /**
     * Defect 9: a closed endpoint answered some calls with WorkerStoppedException; connect, accept and connections
     * must each throw EndpointClosedException.
     */
    @Test
    void aClosedEndpointRefusesWithEndpointClosedException() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(client());
        InetSocketAddress address = server.localAddress();
        server.close();
        client.close();
        assertSoftly(softly -> {
            softly.assertThatThrownBy(() -> server.accept(Duration.ofSeconds(1))).as("accept")
                .isInstanceOf(EndpointClosedException.class);
            softly.assertThatThrownBy(server::connections).as("server connections")
                .isInstanceOf(EndpointClosedException.class);
            softly.assertThatThrownBy(() -> client.connect(address, SAFETY)).as("connect")
                .isInstanceOf(EndpointClosedException.class);
            softly.assertThatThrownBy(client::connections).as("client connections")
                .isInstanceOf(EndpointClosedException.class);
        });
    }

    /**
     * Defect 9: isReady() waited for the receive lock, so it stalled while another thread was in receive(). (Long
     * idle timeouts: a stalled isReady is caught by the 60 s safety net, not freed by the connection timing out.)
     */
    @Test
    void isReadyAnswersWhileAnotherThreadReceives() throws Exception {
        Boolean ready = callWhileAnotherThreadReceives(c -> c::isReady);
        assertThat(ready).isFalse();
    }

    /**
     * Defect 9, found while fixing the others: tryReceive waited for the receive lock while another thread was parked
     * in receive() (and trySend likewise behind a blocked send). It must answer at once: null, nothing for it.
     */
    @Test
    void tryReceiveNeverWaitsBehindAParkedReceive() throws Exception {
        byte[] tried = callWhileAnotherThreadReceives(c -> c::tryReceive);
        assertThat(tried).isNull();
    }

    /**
     * Calls {@code call} on a connection while another thread is parked in its receive(), under a preemptive timeout
     * (the hang detector for the code before the fix); then lets the parked thread have its message.
     */
    private <T> T callWhileAnotherThreadReceives(
        java.util.function.Function<TunnelConnection, org.junit.jupiter.api.function.ThrowingSupplier<T>> call)
        throws Exception {
        Duration idle = Duration.ofMinutes(5);
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY).engine(b -> b.idleTimeout(idle)));
        TunnelEndpoint client = open(client().engine(b -> b.idleTimeout(idle)));
        TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
        TunnelConnection s = track(server.accept(SAFETY));
        AtomicReference<Object> received = new AtomicReference<>();
        Thread receiver = parkAReceiver(c, received);
        T result;
        try {
            result = assertTimeoutPreemptively(SAFETY, call.apply(c));
        } finally {
            s.send("wake".getBytes(UTF_8));
            receiver.join(SAFETY.toMillis());
        }
        assertThat(received.get()).isEqualTo("wake".getBytes(UTF_8));
        return result;
    }

    /**
     * Defect 9: trySend blocked once a message's first part was in, waiting for room for the rest. On a full pipe
     * with room for a part but not for the message, trySend must return false (or refuse the size) at once.
     */
    @Test
    void trySendNeverWaits() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY).ringBytes(4096).maxMessageBytes(128 * 1024)
            .engine(b -> b.receiveWindowBytes(128 * 1024)));
        TunnelEndpoint client = open(client().ringBytes(128 * 1024).maxMessageBytes(128 * 1024)
            .engine(b -> b.sendBufferBytes(64 * 1024)));
        TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
        TunnelConnection s = track(server.accept(SAFETY));
        int part = 16 * 1024;  // a 128 KiB ring's part size
        byte[] onePart = new byte[part];
        while (c.send(onePart, Duration.ofMillis(200))) {
            // filling the pipe
        }
        for (int i = 0; i < 3; i++) {
            assertThat(s.receive(SAFETY)).hasSize(part);
        }
        // The worker moves some whole parts on (48 KiB were freed): then the ring has room for at least one more
        // part, wherever the ring wraps, but not for the six the message needs, and the pipe takes nothing more.
        waitUntil("the ring has room for a part", () -> outboundFree(c) >= 2 * (part + 8));
        byte[] sixParts = new byte[6 * part];
        Object outcome = assertTimeoutPreemptively(SAFETY, () -> {
            try {
                return c.trySend(sixParts);
            } catch (IllegalArgumentException refused) {
                return refused;
            }
        });
        assertThat(outcome).satisfiesAnyOf(
            o -> assertThat(o).isEqualTo(false),
            o -> assertThat(o).isInstanceOf(IllegalArgumentException.class));
    }

    /**
     * Defect 9: closing an endpoint did not tell its peers, which waited for their idle timeout. The client's
     * receive() must end promptly, with the end of the stream or a TunnelException, well before its 5 min timeout.
     */
    @Test
    void closingAnEndpointTellsItsPeers() throws Exception {
        TunnelEndpoint server = open(TunnelEndpoint.server(SERVER_KEY));
        TunnelEndpoint client = open(client().engine(b -> b.idleTimeout(Duration.ofMinutes(5))));
        TunnelConnection c = track(client.connect(server.localAddress(), SAFETY));
        assertThat(track(server.accept(SAFETY))).isNotNull();
        server.close();
        Object outcome = assertTimeoutPreemptively(SAFETY, () -> {
            try {
                return c.receive();
            } catch (TunnelException ended) {
                return ended;
            }
        });
        assertThat(outcome).satisfiesAnyOf(
            o -> assertThat(o).isNull(),
            o -> assertThat(o).isInstanceOf(TunnelException.class));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static TunnelEndpoint.Builder client() {
        return TunnelEndpoint.client(new InMemoryKnownHosts());
    }

    private TunnelEndpoint open(TunnelEndpoint.Builder builder) throws IOException {
        TunnelEndpoint endpoint = builder.bind(ANY_LOOPBACK).open();
        endpoints.add(endpoint);
        return endpoint;
    }

    private TunnelConnection track(TunnelConnection c) {
        if (c != null) {
            synchronized (connections) {
                connections.add(c);
            }
        }
        return c;
    }

    private CountDownLatch released(CountDownLatch latch) {
        toRelease.add(latch);
        return latch;
    }

    /** Connects, trying again while the server still reports its only slot taken. */
    private static TunnelConnection connectWhileFull(TunnelEndpoint client, InetSocketAddress server)
        throws Exception {
        long deadline = System.nanoTime() + SAFETY.toNanos();
        while (true) {
            try {
                return client.connect(server, SAFETY);
            } catch (ServerFullException full) {
                if (System.nanoTime() > deadline) {
                    throw full;
                }
            }
        }
    }

    private void echo(TunnelConnection s) {
        pool.submit(() -> {
            byte[] m;
            while ((m = s.receive()) != null) {
                s.send(m);
            }
            return null;
        });
    }

    private static void assertEchoes(TunnelConnection c, String text) throws Exception {
        byte[] m = text.getBytes(UTF_8);
        c.send(m);
        assertThat(c.receive(SAFETY)).as("echo of '" + text + "'").isEqualTo(m);
    }

    /** Message {@code i} of {@code size} bytes, its content a function of both. */
    private static byte[] message(int i, int size) {
        byte[] m = new byte[size];
        for (int k = 0; k < size; k++) {
            m[k] = (byte) (i * 31 + k * 7 + (k >>> 8));
        }
        return m;
    }

    /** A thread parked in {@code c.receive()}; what it receives, or what it throws, goes into {@code received}. */
    private static Thread parkAReceiver(TunnelConnection c, AtomicReference<Object> received) {
        Thread receiver = new Thread(() -> {
            try {
                received.set(c.receive());
            } catch (Exception e) {
                received.set(e);
            }
        }, "receiver");
        receiver.setDaemon(true);
        receiver.start();
        waitUntil("the receiver is parked in receive()", () -> parkedIn(receiver, "receive"));
        return receiver;
    }

    private static boolean parkedIn(Thread t, String method) {
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
            && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(TunnelConnection.class.getName())
                && f.getMethodName().equals(method));
    }

    /**
     * Bytes free in the connection's outbound ring: white-box, for a wait only (the field and the ring exist in
     * every version of the worker).
     */
    private static int outboundFree(TunnelConnection c) throws ReflectiveOperationException {
        Field field = TunnelConnection.class.getDeclaredField("ch");
        field.setAccessible(true);
        ConnectionChannel ch = (ConnectionChannel) field.get(c);
        return ch.outbound().capacity() - ch.outbound().size();
    }

    private static void waitUntil(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(SAFETY).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
            .until(condition);
    }
}
