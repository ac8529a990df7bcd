package io.github.udptunnel.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.udptunnel.sim.LinkConditions;

/**
 * A UDP impairment relay over real loopback sockets, for tests: the {@link io.github.udptunnel.sim.Simulator}'s
 * {@link LinkConditions} applied to real datagrams between real sockets.
 *
 * <p>Clients send to {@link #address()}. For each distinct client source address the relay lazily opens its own
 * upstream socket on {@code 127.0.0.1:0} towards the target, so the target sees one source port per client, as
 * behind a NAT; the target's replies to that port go back to the client from {@link #address()}.
 * {@link #rebindUpstream(InetSocketAddress)} moves a client to a new upstream port mid-connection (roaming).
 *
 * <p>Each direction applies its conditions in the simulator's order: the transmit queue (drop-tail at
 * {@code queueLimitPackets}, only with a bandwidth) and serialization, loss, duplication; then per copy corruption
 * (one flipped bit), base delay, jitter and reordering. Jitter never reorders by itself: a copy not picked for
 * reordering is released no earlier than the previous such copy of its direction. The transmit queue, the in-order
 * clock and the counters belong to the direction, shared by all clients.
 *
 * <p>One daemon thread named {@value #THREAD_NAME} does all the I/O with a {@link Selector}; delayed copies wait in
 * a priority queue by release time ({@link System#nanoTime()}, ties by arrival order). The random decisions come from
 * {@link SplittableRandom}s split from the seed, one stream per effect and direction, so the same sequence of
 * datagrams in a direction gets the same decisions. What real time does (when a datagram is read, whether a queue is
 * full) is not reproducible.
 *
 * <p>An {@link IOException} (or anything else thrown) on the relay thread stops it; {@link #close()} rethrows it
 * wrapped, so a test notices. The thread also stops by itself after its maximum lifetime.
 *
 * <pre>{@code
 * try (UdpRelay relay = UdpRelay.start(server, LinkConditions.IDEAL.withLoss(0.1),
 *         LinkConditions.IDEAL.withDelay(Duration.ofMillis(20)), seed)) {
 *     client.send(ByteBuffer.wrap(hello), relay.address());
 *     ...
 *     assertThat(relay.clientToTarget().lost()).isPositive();
 * }
 * }</pre>
 */
public final class UdpRelay implements AutoCloseable {

    public static final String THREAD_NAME = "udp-relay";
    /** The largest UDP payload over IPv4. */
    public static final int MAX_DATAGRAM_BYTES = 65_507;
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(10);

    private static final int RECEIVE_BUFFER_BYTES = 65_536;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20; // asked for; the kernel may cap it
    private static final int MAX_READS_PER_KEY = 256;
    private static final int MAX_RELEASES_PER_ROUND = 4096;
    private static final long IDLE_SELECT_MILLIS = 1000;
    private static final long BLOCKED_SELECT_MILLIS = 50;
    private static final long COMMAND_TIMEOUT_MILLIS = 10_000;
    private static final long JOIN_TIMEOUT_MILLIS = 10_000;

    private static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final InetSocketAddress target;
    private final Selector selector;
    private final DatagramChannel listen;
    private final SelectionKey listenKey;
    private final InetSocketAddress address;
    private final Direction clientToTarget;
    private final Direction targetToClient;
    private final long startNanos;
    private final long maxLifetimeNanos;

    /** Written by the relay thread only; read by any thread. */
    private final ConcurrentHashMap<SocketAddress, Client> clients = new ConcurrentHashMap<>();
    private final PriorityQueue<Scheduled> delayQueue = new PriorityQueue<>(UdpRelay::releaseOrder);
    private final AtomicInteger pending = new AtomicInteger();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
    private final ConcurrentLinkedQueue<Command<?>> commands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopping;

    private long nextSequence;
    /** The key whose channel refused a datagram (socket buffer full); nothing is released until it is writable. */
    private SelectionKey blockedKey;

    private UdpRelay(InetSocketAddress target, LinkConditions clientToTarget, LinkConditions targetToClient,
                     long seed, Duration maxLifetime) throws IOException {
        this.target = requireLoopbackV4(target);
        this.maxLifetimeNanos = maxLifetime.toNanos();
        if (maxLifetimeNanos <= 0) {
            throw new IllegalArgumentException("maxLifetime must be positive: " + maxLifetime);
        }
        this.startNanos = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        this.clientToTarget = new Direction("client->target", Objects.requireNonNull(clientToTarget, "clientToTarget"),
            random.split(), startNanos);
        this.targetToClient = new Direction("target->client", Objects.requireNonNull(targetToClient, "targetToClient"),
            random.split(), startNanos);
        Selector openedSelector = Selector.open();
        DatagramChannel openedListen = null;
        try {
            openedListen = openLoopbackChannel();
            this.listenKey = openedListen.register(openedSelector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            if (openedListen != null) {
                closeQuietly(openedListen, e);
            }
            closeQuietly(openedSelector, e);
            throw e;
        }
        this.selector = openedSelector;
        this.listen = openedListen;
        this.address = (InetSocketAddress) openedListen.getLocalAddress();
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /**
     * Binds the relay on {@code 127.0.0.1:0} and starts its thread.
     *
     * @param target         where client datagrams go; must be an IPv4 loopback address
     * @param clientToTarget the conditions of datagrams from clients to the target
     * @param targetToClient the conditions of the target's replies
     * @param seed           seeds every random decision
     */
    public static UdpRelay start(InetSocketAddress target, LinkConditions clientToTarget,
                                 LinkConditions targetToClient, long seed) throws IOException {
        return start(target, clientToTarget, targetToClient, seed, DEFAULT_MAX_LIFETIME);
    }

    /** As {@link #start(InetSocketAddress, LinkConditions, LinkConditions, long)}; the thread stops by itself after {@code maxLifetime}. */
    public static UdpRelay start(InetSocketAddress target, LinkConditions clientToTarget,
                                 LinkConditions targetToClient, long seed, Duration maxLifetime) throws IOException {
        UdpRelay relay = new UdpRelay(target, clientToTarget, targetToClient, seed, maxLifetime);
        relay.thread.start();
        return relay;
    }

    /** Where clients send: {@code 127.0.0.1} and an ephemeral port. */
    public InetSocketAddress address() {
        return address;
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Conditions and counters of datagrams from clients to the target. */
    public Direction clientToTarget() {
        return clientToTarget;
    }

    /** Conditions and counters of the target's replies to clients. */
    public Direction targetToClient() {
        return targetToClient;
    }

    /** Changes both directions' conditions; datagrams already scheduled keep their release times. */
    public void setConditions(LinkConditions clientToTarget, LinkConditions targetToClient) {
        this.clientToTarget.setConditions(clientToTarget);
        this.targetToClient.setConditions(targetToClient);
    }

    /** The address the target sees for this client, if the relay has seen the client. */
    public Optional<InetSocketAddress> upstreamAddress(InetSocketAddress clientAddress) {
        Client client = clients.get(clientAddress);
        return client == null ? Optional.empty() : Optional.ofNullable(client.upstreamAddress);
    }

    /**
     * Closes the client's upstream socket and opens a new one on a new port, so the target sees the client's address
     * change; copies already scheduled towards the target leave from the new socket. Replies the target still sends to
     * the old port are lost.
     *
     * @return the new address the target sees for this client
     * @throws IllegalArgumentException if the relay has not seen {@code clientAddress}
     * @throws IllegalStateException    if the relay has stopped
     */
    public InetSocketAddress rebindUpstream(InetSocketAddress clientAddress) {
        Objects.requireNonNull(clientAddress, "clientAddress");
        return call(() -> {
            Client client = clients.get(clientAddress);
            if (client == null) {
                throw new IllegalArgumentException("the relay has not seen client " + clientAddress);
            }
            DatagramChannel old = client.upstream;
            SelectionKey oldKey = client.upstreamKey;
            openUpstream(client); // the old socket is still bound, so the new port differs
            if (blockedKey == oldKey) {
                blockedKey = null;
            }
            oldKey.cancel();
            old.close();
            return client.upstreamAddress;
        });
    }

    /** Copies waiting in the delay queue, both directions. */
    public int pending() {
        return pending.get();
    }

    /** Clients seen so far. */
    public int clientCount() {
        return clients.size();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** What stopped the relay thread, if anything did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** The relay thread, for tests of the relay itself. */
    Thread thread() {
        return thread;
    }

    /** Makes the relay thread fail with {@code e}, for tests of the failure path. */
    void failForTest(IOException e) {
        call(() -> {
            throw e;
        });
    }

    /**
     * Stops the thread and closes every channel. Idempotent: only the first call does anything.
     *
     * @throws UncheckedIOException  if the relay thread had failed with an {@link IOException}
     * @throws IllegalStateException if it had failed with anything else, or did not stop
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(JOIN_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                recordFailure(new IllegalStateException(THREAD_NAME + " did not stop within "
                    + JOIN_TIMEOUT_MILLIS + " ms"));
            }
        }
        closeChannels(); // normally done by the thread already; closing twice is harmless
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw new UncheckedIOException(THREAD_NAME + " failed: " + io, io);
        }
        if (f != null) {
            throw new IllegalStateException(THREAD_NAME + " failed: " + f, f);
        }
    }

    @Override
    public String toString() {
        return "UdpRelay[" + address + " -> " + target + ", clients=" + clients.size() + ", pending=" + pending.get()
            + ", " + clientToTarget + ", " + targetToClient + "]";
    }

    // ---------------------------------------------------------------------------------------------- the relay thread

    private void run() {
        try {
            loop();
        } catch (Throwable t) {
            recordFailure(t);
        } finally {
            closeChannels();
            Command<?> command;
            while ((command = commands.poll()) != null) {
                command.result.completeExceptionally(new IllegalStateException(THREAD_NAME + " has stopped"));
            }
        }
    }

    private void loop() throws Exception {
        long deadline = startNanos + maxLifetimeNanos;
        while (!stopping) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new IllegalStateException(THREAD_NAME + " stopped itself after its maximum lifetime of "
                    + Duration.ofNanos(maxLifetimeNanos));
            }
            runCommands();
            releaseDue();
            long timeoutMillis = selectTimeoutMillis(deadline);
            if (timeoutMillis == 0) {
                selector.selectNow();
            } else {
                selector.select(timeoutMillis);
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isWritable()) {
                    key.interestOps(SelectionKey.OP_READ);
                    if (key == blockedKey) {
                        blockedKey = null;
                    }
                }
                if (key.isReadable()) {
                    if (key == listenKey) {
                        readFromClients();
                    } else {
                        readFromTarget((Client) key.attachment(), key);
                    }
                }
            }
        }
    }

    /** 0 for selectNow. */
    private long selectTimeoutMillis(long deadline) {
        long now = System.nanoTime();
        long untilDeadline = deadline - now;
        long millis;
        if (blockedKey != null) {
            millis = BLOCKED_SELECT_MILLIS;
        } else if (!delayQueue.isEmpty()) {
            long untilRelease = delayQueue.peek().releaseNanos - now;
            if (untilRelease <= 0) {
                return 0;
            }
            millis = ceilMillis(untilRelease); // never early: releaseDue checks the clock again
        } else {
            millis = IDLE_SELECT_MILLIS;
        }
        return Math.max(1, Math.min(millis, ceilMillis(Math.max(untilDeadline, 1))));
    }

    /** By release time (compared as a {@link System#nanoTime()} difference), then by scheduling order. */
    private static int releaseOrder(Scheduled a, Scheduled b) {
        long difference = a.releaseNanos - b.releaseNanos;
        if (difference != 0) {
            return difference < 0 ? -1 : 1;
        }
        return Long.compare(a.sequence, b.sequence);
    }

    private static long ceilMillis(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }

    private void runCommands() throws Exception {
        Command<?> command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
    }

    private void readFromClients() throws IOException {
        for (int i = 0; i < MAX_READS_PER_KEY && !stopping; i++) {
            receiveBuffer.clear();
            SocketAddress from = listen.receive(receiveBuffer);
            if (from == null) {
                return;
            }
            long now = System.nanoTime();
            receiveBuffer.flip();
            Client client = clients.get(from);
            if (client == null) {
                client = new Client((InetSocketAddress) from);
                openUpstream(client);
                clients.put(from, client);
            }
            accept(clientToTarget, client, receiveBuffer, now);
        }
    }

    private void readFromTarget(Client client, SelectionKey key) throws IOException {
        if (key != client.upstreamKey) {
            return; // a rebound client's old socket
        }
        for (int i = 0; i < MAX_READS_PER_KEY && !stopping; i++) {
            receiveBuffer.clear();
            SocketAddress from = client.upstream.receive(receiveBuffer);
            if (from == null) {
                return;
            }
            long now = System.nanoTime();
            if (!target.equals(from)) {
                targetToClient.strays.increment();
                continue;
            }
            receiveBuffer.flip();
            accept(targetToClient, client, receiveBuffer, now);
        }
    }

    /** One datagram read at {@code now}: the link's decisions, in the simulator's order. */
    private void accept(Direction d, Client client, ByteBuffer datagram, long now) {
        LinkConditions c = d.conditions;
        byte[] data = new byte[datagram.remaining()];
        datagram.get(data);
        try {
            long departureNanos = now;
            RateLimitedQueue bottleneck = d.bottleneck;
            if (bottleneck != null) {
                departureNanos = bottleneck.offer(now, data.length);
                d.maxBacklogBytes = bottleneck.maxBacklogBytes();
                if (departureNanos == RateLimitedQueue.DROPPED) {
                    d.droppedByQueue.increment();
                    return;
                }
            }
            if (c.bandwidthBitsPerSecond() > 0) {
                while (!d.serializedAtNanos.isEmpty() && d.serializedAtNanos.peekFirst() - now <= 0) {
                    d.serializedAtNanos.pollFirst();
                }
                if (d.serializedAtNanos.size() >= c.queueLimitPackets()) {
                    d.droppedByQueue.increment();
                    return;
                }
                long free = d.transmitterFreeNanos - now > 0 ? d.transmitterFreeNanos : now;
                departureNanos = free + serializationNanos(c, data.length);
                d.transmitterFreeNanos = departureNanos;
                d.serializedAtNanos.addLast(departureNanos);
            }
            if (chance(d.lossRandom, c.lossProbability())) {
                d.lost.increment();
                return;
            }
            int copies = 1;
            if (chance(d.duplicateRandom, c.duplicateProbability())) {
                d.duplicated.increment();
                copies = 2;
            }
            for (int i = 0; i < copies; i++) {
                byte[] copy = maybeCorrupt(d, data, c);
                schedule(new Scheduled(releaseNanos(d, departureNanos, c), nextSequence++, copy, d, client, i == 0));
            }
        } finally {
            d.received.increment(); // last, so that a reader who sees it also sees the datagram scheduled or counted
            d.bytesReceived.add(data.length);
        }
    }

    private static long releaseNanos(Direction d, long departureNanos, LinkConditions c) {
        long at = departureNanos + c.delayNanos();
        if (c.jitterNanos() > 0) {
            at += d.jitterRandom.nextLong(c.jitterNanos() + 1);
        }
        if (chance(d.reorderRandom, c.reorderProbability())) {
            d.reordered.increment();
            if (c.reorderExtraDelayNanos() > 0) {
                at += d.reorderRandom.nextLong(c.reorderExtraDelayNanos() + 1);
            }
            return at; // may be overtaken, and leaves the in-order clock alone
        }
        if (d.lastInOrderReleaseNanos - at > 0) {
            at = d.lastInOrderReleaseNanos;
        }
        d.lastInOrderReleaseNanos = at;
        return at;
    }

    private static byte[] maybeCorrupt(Direction d, byte[] data, LinkConditions c) {
        if (data.length == 0 || !chance(d.corruptRandom, c.corruptProbability())) {
            return data; // copies of one datagram may share the array: nothing writes to it any more
        }
        d.corrupted.increment();
        byte[] copy = data.clone();
        int bit = d.corruptRandom.nextInt(copy.length * 8);
        copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
        return copy;
    }

    private static long serializationNanos(LinkConditions c, int bytes) {
        long bitNanos = bytes * 8L * 1_000_000_000L;
        return (bitNanos + c.bandwidthBitsPerSecond() - 1) / c.bandwidthBitsPerSecond();
    }

    private static boolean chance(SplittableRandom random, double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    private void schedule(Scheduled scheduled) {
        delayQueue.add(scheduled);
        pending.incrementAndGet();
    }

    private void releaseDue() throws IOException {
        for (int i = 0; i < MAX_RELEASES_PER_ROUND && blockedKey == null && !stopping; i++) {
            Scheduled head = delayQueue.peek();
            if (head == null || head.releaseNanos - System.nanoTime() > 0) {
                return;
            }
            DatagramChannel out;
            SelectionKey key;
            SocketAddress to;
            if (head.direction == clientToTarget) {
                out = head.client.upstream;
                key = head.client.upstreamKey;
                to = target;
            } else {
                out = listen;
                key = listenKey;
                to = head.client.address;
            }
            int sent = out.send(ByteBuffer.wrap(head.data), to);
            if (sent == 0 && head.data.length > 0) {
                blockedKey = key; // the socket buffer is full: wait until it is writable, keep the order
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            delayQueue.poll();
            Direction d = head.direction;
            d.copiesSent.increment();
            d.bytesSent.add(head.data.length);
            if (head.countsAsForwarded) {
                d.forwarded.increment();
            }
            pending.decrementAndGet(); // after the counters, so that pending() == 0 means they are final
        }
    }

    private void openUpstream(Client client) throws IOException {
        DatagramChannel channel = openLoopbackChannel();
        try {
            client.upstreamKey = channel.register(selector, SelectionKey.OP_READ, client);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
        client.upstream = channel;
        client.upstreamAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /** A non-blocking socket on 127.0.0.1 with 4 MiB buffers, as the relay and its test peers use. */
    static DatagramChannel openLoopbackChannel() throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(LOOPBACK, 0));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private <T> T call(Callable<T> action) {
        if (closed.get() || !thread.isAlive()) {
            throw new IllegalStateException(THREAD_NAME + " is not running", failure.get());
        }
        Command<T> command = new Command<>(action);
        commands.add(command);
        selector.wakeup();
        if (!thread.isAlive()) { // stopped meanwhile: its final drain may have missed the command
            commands.remove(command);
            command.result.completeExceptionally(new IllegalStateException(THREAD_NAME + " has stopped"));
        }
        try {
            return command.result.get(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(THREAD_NAME + " did not run the command within "
                + COMMAND_TIMEOUT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void recordFailure(Throwable t) {
        if (!failure.compareAndSet(null, t) && failure.get() != t) {
            failure.get().addSuppressed(t);
        }
    }

    private void closeChannels() {
        for (Client client : clients.values()) {
            DatagramChannel upstream = client.upstream;
            if (upstream != null) {
                closeRecording(upstream);
            }
        }
        closeRecording(listen);
        closeRecording(selector);
    }

    private void closeRecording(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            recordFailure(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Throwable into) {
        try {
            closeable.close();
        } catch (Exception e) {
            into.addSuppressed(e);
        }
    }

    private static InetSocketAddress requireLoopbackV4(InetSocketAddress target) {
        Objects.requireNonNull(target, "target");
        if (target.isUnresolved() || !(target.getAddress() instanceof Inet4Address)
            || !target.getAddress().isLoopbackAddress() || target.getPort() == 0) {
            throw new IllegalArgumentException("target must be an IPv4 loopback address with a port: " + target);
        }
        return target;
    }

    // -------------------------------------------------------------------------------------------------------- types

    /** One direction: its conditions, its random streams, its transmitter and its counters. */
    public static final class Direction {

        private final String name;
        private volatile LinkConditions conditions;

        // One stream per effect, so that turning one effect on does not change another's pattern for the same seed.
        private final SplittableRandom lossRandom;
        private final SplittableRandom duplicateRandom;
        private final SplittableRandom corruptRandom;
        private final SplittableRandom jitterRandom;
        private final SplittableRandom reorderRandom;

        /** A byte-counted bottleneck in front of everything else, or null; its state is the relay thread's. */
        private volatile RateLimitedQueue bottleneck;
        private volatile long maxBacklogBytes;
        // Relay thread only.
        private long transmitterFreeNanos;
        private final ArrayDeque<Long> serializedAtNanos = new ArrayDeque<>();
        private long lastInOrderReleaseNanos;

        private final LongAdder received = new LongAdder();
        private final LongAdder bytesReceived = new LongAdder();
        private final LongAdder forwarded = new LongAdder();
        private final LongAdder lost = new LongAdder();
        private final LongAdder duplicated = new LongAdder();
        private final LongAdder corrupted = new LongAdder();
        private final LongAdder reordered = new LongAdder();
        private final LongAdder droppedByQueue = new LongAdder();
        private final LongAdder copiesSent = new LongAdder();
        private final LongAdder bytesSent = new LongAdder();
        private final LongAdder strays = new LongAdder();

        private Direction(String name, LinkConditions conditions, SplittableRandom random, long startNanos) {
            this.name = name;
            this.conditions = conditions;
            this.lossRandom = random.split();
            this.duplicateRandom = random.split();
            this.corruptRandom = random.split();
            this.jitterRandom = random.split();
            this.reorderRandom = random.split();
            this.transmitterFreeNanos = startNanos;
            this.lastInOrderReleaseNanos = startNanos;
        }

        public LinkConditions conditions() {
            return conditions;
        }

        /** Applies to datagrams read from now on. */
        public void setConditions(LinkConditions conditions) {
            this.conditions = Objects.requireNonNull(conditions, "conditions");
        }

        /**
         * Puts a bottleneck in front of this direction's other conditions: {@code bytesPerSecond} through a drop-tail
         * buffer of {@code queueLimitBytes} (what a router on the path would have). Its drops count as
         * {@link #droppedByQueue()}. Applies to datagrams read from now on; a new one starts empty.
         */
        public void setBottleneck(long bytesPerSecond, long queueLimitBytes) {
            this.bottleneck = new RateLimitedQueue(bytesPerSecond, queueLimitBytes);
        }

        /**
         * Sends this direction's datagrams through {@code shared}, which other directions (of this relay or another)
         * may use too: flows to different targets then compete for one rate and one buffer.
         */
        public void shareBottleneck(RateLimitedQueue shared) {
            this.bottleneck = Objects.requireNonNull(shared, "shared");
        }

        /** The bottleneck, or null. */
        public RateLimitedQueue bottleneck() {
            return bottleneck;
        }

        /** The largest backlog the bottleneck has held, bytes; never more than its limit. 0 without one. */
        public long maxBacklogBytes() {
            return maxBacklogBytes;
        }

        /** Datagrams read. Once nothing is in flight: {@code received = forwarded + lost + droppedByQueue}. */
        public long received() {
            return received.sum();
        }

        public long bytesReceived() {
            return bytesReceived.sum();
        }

        /** Datagrams passed on: counted when the first of its copies has been sent. */
        public long forwarded() {
            return forwarded.sum();
        }

        /** Datagrams lost at random. */
        public long lost() {
            return lost.sum();
        }

        /** Datagrams sent on as two copies. */
        public long duplicated() {
            return duplicated.sum();
        }

        /** Copies that had one bit flipped. */
        public long corrupted() {
            return corrupted.sum();
        }

        /** Copies given an extra delay that lets later ones overtake them. */
        public long reordered() {
            return reordered.sum();
        }

        /** Datagrams refused because the transmit queue was full (drop-tail). */
        public long droppedByQueue() {
            return droppedByQueue.sum();
        }

        /** Copies written to a socket: {@code forwarded + duplicated} once nothing is in flight. */
        public long copiesSent() {
            return copiesSent.sum();
        }

        public long bytesSent() {
            return bytesSent.sum();
        }

        /** Datagrams an upstream socket received from someone other than the target, ignored (target->client only). */
        public long strays() {
            return strays.sum();
        }

        @Override
        public String toString() {
            return name + "[received=" + received() + ", forwarded=" + forwarded() + ", lost=" + lost()
                + ", droppedByQueue=" + droppedByQueue() + ", duplicated=" + duplicated() + ", corrupted="
                + corrupted() + ", reordered=" + reordered() + ", copiesSent=" + copiesSent() + ", strays="
                + strays() + "]";
        }
    }

    private static final class Client {
        final InetSocketAddress address;
        volatile DatagramChannel upstream;
        volatile SelectionKey upstreamKey;
        volatile InetSocketAddress upstreamAddress;

        Client(InetSocketAddress address) {
            this.address = address;
        }
    }

    private static final class Scheduled {
        final long releaseNanos;
        final long sequence;
        final byte[] data;
        final Direction direction;
        final Client client;
        final boolean countsAsForwarded;

        Scheduled(long releaseNanos, long sequence, byte[] data, Direction direction, Client client,
                  boolean countsAsForwarded) {
            this.releaseNanos = releaseNanos;
            this.sequence = sequence;
            this.data = data;
            this.direction = direction;
            this.client = client;
            this.countsAsForwarded = countsAsForwarded;
        }
    }

    private static final class Command<T> {
        final Callable<T> action;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Command(Callable<T> action) {
            this.action = action;
        }

        /** Completes the result; an exception other than a caller's mistake also stops the relay. */
        void run() throws Exception {
            try {
                result.complete(action.call());
            } catch (IllegalArgumentException e) {
                result.completeExceptionally(e);
            } catch (Exception e) {
                result.completeExceptionally(e);
                throw e;
            }
        }
    }
}
