package io.github.udptunnel.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.CloseReason;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.io.WorkerStoppedException;
import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.testing.Seeds;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker and the API together, in virtual time: every test runs real endpoints (worker, rings, API) on the
 * simulator, with the application acting at seeded moments between steps and inside the workers' cycles. A failure
 * names its seed, and the same seed replays the same interleaving.
 */
class WorkerScenariosTest {

    private static final LinkConditions PATH = LinkConditions.IDEAL.withDelay(Duration.ofMillis(5))
        .withJitter(Duration.ofMillis(1));
    private static final LinkConditions LOSSY = PATH.withLoss(0.03).withReordering(0.05, Duration.ofMillis(5))
        .withDuplication(0.01);
    private static final int SMALL_RING = 4096;

    static long[] seeds() {
        return Seeds.of(0x3A5E_0000L, 8);
    }

    /**
     * Issue 9, defect 1: a handle used after its connection was closed or aborted, with the slot (and its rings)
     * given to the next connection, never reads or writes that connection's bytes; it gets ConnectionClosedException.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aStaleHandleNeverTouchesTheNextConnectionsBytes(long seed) {
        SimulatedNet net = new SimulatedNet(seed, PATH, b -> b.ringBytes(SMALL_RING).engine(e -> e.maxConnections(1)),
            b -> b.ringBytes(SMALL_RING).engine(e -> e.maxConnections(1)));
        List<TunnelConnection> stale = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            TunnelConnection[] pair = net.connectPair();
            TunnelConnection c = pair[0];
            TunnelConnection s = pair[1];
            byte[] mine = ("round " + round + " of seed " + seed).getBytes();
            boolean abortServer = net.random.nextBoolean();
            boolean[] released = {false};
            List<byte[]> got = new ArrayList<>();
            net.application(() -> {
                if (!stale.isEmpty() && net.chance(0.05)) {
                    probe(List.of(stale.get(net.random.nextInt(stale.size()))), net);
                }
                if (!released[0] && net.chance(0.05)) {
                    released[0] = true;
                    if (abortServer) {
                        s.abort();
                    } else {
                        s.close();
                    }
                    stale.add(s);
                }
                if (!released[0] && net.chance(0.2)) {
                    byte[] m = tryReceive(s);
                    if (m != null) {
                        got.add(m);
                    }
                }
            });
            assertThat(trySend(c, mine)).isTrue();
            assertThat(net.runUntil(() -> released[0] && c.closeReason() != null || c.isPeerFinished(),
                SimulatedNet.PATIENCE)).as(net.toString()).isTrue();
            c.close();
            stale.add(c);
            for (byte[] m : got) {
                assertThat(new String(m)).as("what the live handle read; %s", net).isEqualTo(new String(mine));
            }
            net.application(() -> { });
            net.runUntil(() -> false, Duration.ofSeconds(1));  // let both slots free
        }
        probe(stale, net);
    }

    /** Every stale handle refuses to read or write, and says it is ready (the next call would not wait). */
    private static void probe(List<TunnelConnection> stale, SimulatedNet net) {
        for (TunnelConnection old : stale) {
            assertThatThrownBy(old::tryReceive).as("a stale handle reads; %s", net)
                .isInstanceOf(ConnectionClosedException.class);
            assertThatThrownBy(() -> old.trySend(new byte[] {1})).as("a stale handle writes; %s", net)
                .isInstanceOf(ConnectionClosedException.class);
            assertThat(old.isReady()).isTrue();
            assertThat(old.isOpen()).isFalse();
        }
    }

    /**
     * A worker that its host's scheduler kept off the CPU finds a pile of datagrams. It acks them every few packets as
     * it reads them, not once per batch of 64: an ack names at most four runs of packets, and through the relay at 5%
     * loss each way the runs a batch's one ack left out were taken for lost and sent again (half of all retransmissions
     * were of packets that had arrived), and the sender's window left in bursts of a batch (issue 14).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aStalledWorkerAcksThePileItFindsEveryFewPackets(long seed) {
        SimulatedNet net = new SimulatedNet(seed, PATH.withBandwidthBitsPerSecond(50_000_000), b -> b, b -> b);
        TunnelConnection[] pair = net.connectPair();
        TunnelConnection c = pair[0];
        TunnelConnection s = pair[1];
        byte[] chunk = new byte[1000];
        net.application(() -> {
            while (trySend(c, chunk)) {
                // an upload as fast as the path takes it
            }
            while (tryReceive(s) != null) {
                // read as it comes
            }
        });
        net.runUntil(() -> false, Duration.ofMillis(300));
        net.server.recordCycles();
        net.server.stallUntil(net.sim.now() + Duration.ofMillis(20).toNanos());
        net.runUntil(() -> false, Duration.ofMillis(40));

        List<SimulatedEndpoint.Cycle> piled = net.server.cycles().stream().filter(cycle -> cycle.received() >= 16)
            .toList();
        assertThat(piled).as("cycles that found a pile; %s", net).isNotEmpty();
        // EndpointWorker.TRANSMIT_EVERY: an ack (at least) for every eight datagrams read.
        assertThat(piled).as("%s", net).allSatisfy(cycle -> assertThat(cycle.sent())
            .as("datagrams sent by a cycle that read %d", cycle.received())
            .isGreaterThanOrEqualTo(cycle.received() / 8));
    }

    /**
     * Issue 9, defect 2: a client that half-closed reads a response larger than its ring; the connection closes
     * (both FINs) while most of the response still waits in the engine. Every message is read, then the end of the
     * stream; the end is never reported early.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everythingSentBeforeTheFinIsReadBeforeTheEnd(long seed) throws IOException {
        SimulatedNet net = new SimulatedNet(seed, LOSSY, b -> b, b -> b.ringBytes(SMALL_RING));
        TunnelConnection[] pair = net.connectPair();
        TunnelConnection c = pair[0];
        TunnelConnection s = pair[1];
        List<byte[]> response = messages(new SplittableRandom(seed), 300, 3000);
        assertThat(trySend(c, "request".getBytes())).isTrue();
        c.shutdownOutput();
        List<byte[]> received = new ArrayList<>();
        int[] sent = {0};
        boolean[] requestSeen = {false};
        net.application(() -> {
            if (!requestSeen[0]) {
                byte[] request = tryReceive(s);
                requestSeen[0] = request != null;
            } else if (sent[0] < response.size()) {
                while (sent[0] < response.size() && trySend(s, response.get(sent[0]))) {
                    sent[0]++;
                }
                if (sent[0] == response.size()) {
                    s.close();  // FIN after the data: nothing of it may be lost
                }
            }
            if (net.chance(c.closeReason() == null ? 0.02 : 0.2)) {  // slow until the end, then in bursts
                for (int n = net.random.nextInt(4); n >= 0; n--) {
                    byte[] m = tryReceive(c);
                    if (m != null) {
                        received.add(m);
                    }
                }
            }
        });
        assertThat(net.runUntil(c::isPeerFinished, SimulatedNet.PATIENCE)).as(net.toString()).isTrue();
        assertThat(received).as(net.toString()).containsExactlyElementsOf(response);
        assertThat(c.tryReceive()).isNull();
        assertThat(c.isPeerFinished()).isTrue();
    }

    /**
     * Issue 9, defect 3: close() with the ring full (the peer not reading, every buffer on the way full) delivers
     * everything sent before it, then the end of the stream: it never becomes an abort.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void closeDeliversEverythingEvenWithTheRingFull(long seed) throws IOException {
        SimulatedNet net = new SimulatedNet(seed, LOSSY,
            b -> b.maxMessageBytes(16 * 1024).engine(e -> e.receiveWindowBytes(16 * 1024)),
            b -> b.ringBytes(SMALL_RING).maxMessageBytes(16 * 1024).engine(e -> e.sendBufferBytes(16 * 1024)));
        TunnelConnection[] pair = net.connectPair();
        TunnelConnection c = pair[0];
        TunnelConnection s = pair[1];
        SplittableRandom sizes = new SplittableRandom(seed);
        List<byte[]> sent = new ArrayList<>();
        assertThat(net.runUntil(() -> {
            byte[] m = payload(sizes, sent.size(), 1 + sizes.nextInt(2000));
            if (trySend(c, m)) {
                sent.add(m);
                return false;
            }
            return true;  // the ring is full: the worker cannot move it into a full engine
        }, SimulatedNet.PATIENCE)).isTrue();
        c.close();
        List<byte[]> received = new ArrayList<>();
        net.application(() -> {
            if (net.chance(0.3)) {
                byte[] m = tryReceive(s);
                if (m != null) {
                    received.add(m);
                }
            }
        });
        assertThat(net.runUntil(s::isPeerFinished, SimulatedNet.PATIENCE)).as(net.toString()).isTrue();
        assertThat(received).as(net.toString()).containsExactlyElementsOf(sent);
        net.application(() -> { });
        s.close();
        assertThat(net.runUntil(() -> c.closeReason() != null, SimulatedNet.PATIENCE)).isTrue();
        assertThat(c.closeReason()).isEqualTo(CloseReason.CLOSED);
    }

    /**
     * Issue 9, defect 5: whatever the application asked of the worker completes when it stops, at any point of a
     * cycle: stats, rows, rebind and connects fail with the endpoint closed, none waits forever.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyFutureCompletesWhenTheWorkerStops(long seed) {
        SimulatedNet net = new SimulatedNet(seed, PATH, b -> b, b -> b);
        TunnelConnection[] pair = net.connectPair();
        TunnelConnection c = pair[0];
        ConnectionChannel channel = channelOf(c);
        List<CompletableFuture<?>> asked = new ArrayList<>();
        boolean[] closed = {false};
        net.application(() -> {
            if (asked.size() >= 60 || !net.chance(0.2)) {
                if (!closed[0] && asked.size() >= 60) {
                    closed[0] = true;
                    net.client.endpoint.close(Duration.ZERO);
                }
                return;
            }
            switch (net.random.nextInt(closed[0] ? 4 : 5)) {
                case 0 -> asked.add(net.client.worker.allConnectionStats());
                case 1 -> asked.add(net.client.worker.connectionStats(channel, channel.handle()));
                case 2 -> asked.add(net.client.worker.rebind(new InetSocketAddress("10.0.0.2", 50001 + asked.size())));
                case 3 -> asked.add(net.client.endpoint.connectAsync(SimulatedNet.SERVER, "other", Duration.ofSeconds(9)));
                default -> {
                    if (net.chance(0.1)) {
                        closed[0] = true;
                        net.client.endpoint.close(Duration.ZERO);
                    }
                }
            }
        });
        assertThat(net.runUntil(() -> net.client.worker.isStopped() && asked.size() >= 60, SimulatedNet.PATIENCE))
            .as(net.toString()).isTrue();
        net.application(() -> { });
        net.runUntil(() -> false, Duration.ofSeconds(1));
        for (CompletableFuture<?> f : asked) {
            assertThat(f).as(net.toString()).isDone();
            if (f.isCompletedExceptionally()) {
                assertThatThrownBy(f::join).cause().isInstanceOfAny(WorkerStoppedException.class,
                    EndpointClosedException.class);
            }
        }
        assertThatThrownBy(() -> c.trySend(new byte[1])).isInstanceOf(EndpointClosedException.class);
    }

    /**
     * Issue 9, defect 6: a known-hosts store that fails fails that one connect, on the application's side, with a
     * clear error; the worker never calls it, and the connection already open carries on.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aFailingTrustStoreFailsOnlyThatConnect(long seed) throws IOException {
        KnownHosts store = new KnownHosts() {
            private final InMemoryKnownHosts pins = new InMemoryKnownHosts();

            @Override
            public PublicKey lookup(String host) {
                if (host.equals("broken-lookup")) {
                    throw new IllegalStateException("disk on fire");
                }
                return pins.lookup(host);
            }

            @Override
            public PublicKey pinIfAbsent(String host, PublicKey key) {
                if (host.equals("broken-pin")) {
                    throw new IllegalStateException("database down");
                }
                return pins.pinIfAbsent(host, key);
            }
        };
        SimulatedNet net = new SimulatedNet(seed, PATH, b -> b, b -> b, store);
        TunnelConnection[] pair = net.connectPair();
        for (String host : List.of("broken-lookup", "broken-pin")) {
            CompletableFuture<TunnelConnection> f = net.client.endpoint.connectAsync(SimulatedNet.SERVER, host,
                Duration.ofSeconds(10));
            assertThat(net.runUntil(f::isDone, SimulatedNet.PATIENCE)).isTrue();
            assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(KnownHostsException.class)
                .hasMessageContaining(host).hasMessageContaining(host.endsWith("pin") ? "database down" : "disk on fire");
        }
        assertThat(store.lookup("broken-pin")).as("nothing pinned").isNull();
        assertThat(trySend(pair[0], "still here".getBytes())).isTrue();
        byte[][] got = new byte[1][];
        assertThat(net.runUntil(() -> (got[0] = tryReceive(pair[1])) != null, SimulatedNet.PATIENCE)).isTrue();
        assertThat(new String(got[0])).isEqualTo("still here");
        assertThat(net.client.endpoint.isOpen()).isTrue();
    }

    /**
     * Issue 9, point 9: closing an endpoint tells its peers. What was written is delivered, then the end of the
     * stream, well within the drain time; the peer never waits for its idle timeout.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void closingAnEndpointTellsItsPeers(long seed) throws IOException {
        SimulatedNet net = new SimulatedNet(seed, LOSSY, b -> b, b -> b.engine(e -> e.idleTimeout(Duration.ofHours(1))));
        List<TunnelConnection[]> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pairs.add(net.connectPair());
        }
        for (TunnelConnection[] pair : pairs) {
            assertThat(trySend(pair[1], "goodbye".getBytes())).isTrue();
        }
        long start = net.sim.now();
        net.server.endpoint.close(Duration.ofSeconds(5));
        List<byte[]> got = new ArrayList<>();
        net.application(() -> {
            for (TunnelConnection[] pair : pairs) {
                byte[] m = tryReceive(pair[0]);
                if (m != null) {
                    got.add(m);
                }
            }
        });
        assertThat(net.runUntil(() -> pairs.stream().allMatch(p -> p[0].isPeerFinished())
            && net.server.worker.isStopped(), Duration.ofSeconds(10))).as(net.toString()).isTrue();
        assertThat(got).hasSize(3).allSatisfy(m -> assertThat(new String(m)).isEqualTo("goodbye"));
        assertThat(Duration.ofNanos(net.sim.now() - start)).isLessThan(Duration.ofSeconds(6));
        assertThatThrownBy(() -> pairs.get(0)[1].tryReceive()).isInstanceOf(EndpointClosedException.class);
        assertThatThrownBy(() -> net.server.endpoint.tryAccept()).isInstanceOf(EndpointClosedException.class);
    }

    /**
     * The hand-off under load: messages of every size (many of several ring parts) both ways through a lossy path,
     * the application reading, writing, selecting and half-closing at seeded points, inside the workers' cycles
     * too. Every message arrives whole and in order, then the end of the stream, on small rings that fill often.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void messagesOfEverySizeCrossBothWaysIntact(long seed) throws IOException {
        SimulatedNet net = new SimulatedNet(seed, LOSSY, b -> b.ringBytes(SMALL_RING * 2),
            b -> b.ringBytes(SMALL_RING * 2));
        TunnelConnection[] pair = net.connectPair();
        SplittableRandom sizes = new SplittableRandom(seed * 7);
        // Up to what an empty ring takes: several ring parts each (a part is an eighth of the ring).
        int largest = pair[0].maxTrySendBytes();
        Direction up = new Direction(pair[0], pair[1], messages(sizes, 150, largest));
        Direction down = new Direction(pair[1], pair[0], messages(sizes, 150, largest));
        net.application(() -> {
            if (net.chance(0.3)) {
                up.step(net);
            }
            if (net.chance(0.3)) {
                down.step(net);
            }
        });
        assertThat(net.runUntil(() -> up.done() && down.done(), SimulatedNet.PATIENCE)).as(net.toString()).isTrue();
        assertThat(up.received).as(net.toString()).containsExactlyElementsOf(up.messages);
        assertThat(down.received).as(net.toString()).containsExactlyElementsOf(down.messages);
    }

    /** One direction of a two-way exchange, driven by the seeded application. */
    private static final class Direction {
        final TunnelConnection from;
        final TunnelConnection to;
        final List<byte[]> messages;
        final List<byte[]> received = new ArrayList<>();
        int sent;
        boolean finished;

        Direction(TunnelConnection from, TunnelConnection to, List<byte[]> messages) {
            this.from = from;
            this.to = to;
            this.messages = messages;
        }

        void step(SimulatedNet net) {
            if (sent < messages.size() && net.chance(0.7)) {
                byte[] m = messages.get(sent);
                if (trySend(from, m)) {
                    sent++;
                }
            } else if (sent == messages.size() && !finished) {
                finished = true;
                io(from::shutdownOutput);
            }
            if (to.isReady()) {
                byte[] m = tryReceive(to);
                if (m != null) {
                    received.add(m);
                }
            }
        }

        boolean done() {
            return to.isPeerFinished();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static ConnectionChannel channelOf(TunnelConnection c) {
        try {
            java.lang.reflect.Field f = TunnelConnection.class.getDeclaredField("ch");
            f.setAccessible(true);
            return (ConnectionChannel) f.get(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<byte[]> messages(SplittableRandom random, int count, int maxSize) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(payload(random, i, random.nextInt(maxSize + 1)));
        }
        return list;
    }

    /** A message whose bytes say which it is, so a mix-up shows. */
    static byte[] payload(SplittableRandom random, int index, int size) {
        byte[] m = new byte[size];
        random.nextBytes(m);
        for (int i = 0; i < Math.min(4, size); i++) {
            m[i] = (byte) (index >>> (8 * i));
        }
        return m;
    }

    static byte[] tryReceive(TunnelConnection c) {
        try {
            return c.tryReceive();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean trySend(TunnelConnection c, byte[] m) {
        try {
            return c.trySend(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
