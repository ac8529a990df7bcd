package io.github.udptunnel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import io.github.udptunnel.engine.ConnectionState;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.EngineConfig;
import io.github.udptunnel.engine.EngineEvent;
import io.github.udptunnel.engine.Endpoint;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.wire.Packet;

/**
 * The one thread of an endpoint: it owns the DatagramChannel, the engine, the timers and the buffers. Application
 * threads reach it only through bounded queues (commands) and each connection's ring buffers
 * ({@link ConnectionChannel}). Its duty cycle: commands, application data into the engine, datagrams in, timers,
 * engine events, data out to the application, datagrams out; then, when a cycle did nothing, a short spin and a
 * sleep in the selector until a datagram, a command or the next deadline.
 */
public final class EndpointWorker implements AutoCloseable {

    /** Bytes the worker moves from the engine to an inbound ring at a time. */
    static final int CHUNK = 16 * 1024;
    /** Datagrams received in one cycle before the worker turns to other work. */
    static final int RECEIVE_BATCH = 64;
    /** Idle cycles spent spinning before sleeping in the selector. */
    static final int SPIN_CYCLES = 200;
    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final Endpoint engine;
    /** Replaced by {@link #rebind}, on the worker thread only. */
    private volatile DatagramChannel channel;
    private final Selector selector;
    /** Made when a connection first takes the slot (the engine reuses the slot freed last), then kept. */
    private final ConnectionChannel[] channels;
    private final int ringBytes;
    private final CompletableFuture<?>[] pendingConnects;
    private final boolean[] blockedOnRoom;
    private final int[] blockedSlots;
    private int blockedCount;

    private final ManyToOneConcurrentArrayQueue<Command> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final ManyToOneConcurrentArrayQueue<ConnectionChannel> outboundReady;
    private final ManyToOneConcurrentArrayQueue<ConnectionChannel> inboundReady;
    private final ManyToManyConcurrentArrayQueue<ConnectionChannel> accepted;
    private final Semaphore acceptable = new Semaphore(0);
    private volatile Thread acceptWaiter;

    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE + 1);
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
    private InetSocketAddress pendingDestination;
    private final byte[] scratch = new byte[CHUNK];
    private final UnsafeBuffer scratchBuffer = new UnsafeBuffer(scratch);
    private final EngineEvent event = new EngineEvent();
    private final OutboundHandler outboundHandler = new OutboundHandler();
    private final Consumer<SelectionKey> ignoreKey = key -> { };
    private final Consumer<ConnectionChannel> drainOutbound = this::drainOutbound;
    private final Consumer<ConnectionChannel> deliverInbound = this::deliverQueued;
    private final Consumer<Command> runCommand = this::runCommand;

    private final Thread thread;
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long now;

    public EndpointWorker(EngineConfig config, InetSocketAddress bind, int ringBytes, String name) throws IOException {
        this.engine = new Endpoint(config);
        int capacity = engine.maxConnections();
        this.channels = new ConnectionChannel[capacity];
        this.ringBytes = ringBytes;
        this.pendingConnects = new CompletableFuture<?>[capacity];
        this.blockedOnRoom = new boolean[capacity];
        this.blockedSlots = new int[capacity];
        this.outboundReady = new ManyToOneConcurrentArrayQueue<>(Math.max(2, capacity));
        this.inboundReady = new ManyToOneConcurrentArrayQueue<>(Math.max(2, capacity));
        this.accepted = new ManyToManyConcurrentArrayQueue<>(Math.max(2, capacity));
        this.selector = Selector.open();
        try {
            this.channel = openChannel(bind);
        } catch (IOException e) {
            selector.close();
            throw e;
        }
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private DatagramChannel openChannel(InetSocketAddress bind) throws IOException {
        DatagramChannel fresh = DatagramChannel.open();
        try {
            fresh.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            fresh.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            fresh.bind(bind);
            fresh.configureBlocking(false);
            fresh.register(selector, SelectionKey.OP_READ);
            return fresh;
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isServer() {
        return engine.isServer();
    }

    /** Every counter of the engine, readable from any thread. */
    public EngineStats stats() {
        return engine.stats();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Called by application threads

    /** Starts a connect; the future completes with the channel when the handshake ends, either way. */
    public CompletableFuture<ConnectionChannel> connect(InetSocketAddress server, String host) throws IOException {
        CompletableFuture<ConnectionChannel> result = new CompletableFuture<>();
        submit(new Command() {
            @Override
            void run(EndpointWorker w) {
                long handle;
                try {
                    handle = engine.connect(now, server, host);
                } catch (IllegalStateException e) {
                    result.completeExceptionally(e);
                    return;
                }
                ConnectionChannel ch = channel((int) handle);
                ch.reset(handle);
                ch.peer = server;
                pendingConnects[ch.slot] = result;
            }
        });
        return result;
    }

    /** The next accepted connection within {@code timeoutNanos} (0: do not wait), or null. */
    public ConnectionChannel accept(long timeoutNanos) throws InterruptedException, IOException {
        ensureRunning();
        if (!acceptable.tryAcquire(timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
            ensureRunning();
            return null;
        }
        ConnectionChannel ch = accepted.poll();
        if (ch == null) {
            ensureRunning();  // woken by close
        }
        return ch;
    }

    /** True when a connection waits to be accepted. */
    public boolean acceptable() {
        return acceptable.availablePermits() > 0 && running;
    }

    /** The thread to wake when a connection arrives to be accepted (a selector), or null. */
    public void acceptWaiter(Thread thread) {
        this.acceptWaiter = thread;
    }

    /** Asks the worker to move {@code ch}'s outbound ring into the engine. */
    public void outboundWritten(ConnectionChannel ch) {
        if (ch.outboundQueued.compareAndSet(false, true)) {
            while (!outboundReady.offer(ch)) {
                Thread.onSpinWait();
            }
            wakeUp();
        }
    }

    /** The application read from {@code ch}'s inbound ring: if the worker was held up by it, let it go on. */
    public void inboundRead(ConnectionChannel ch) {
        if (ch.inboundBlocked && ch.inboundQueued.compareAndSet(false, true)) {
            ch.inboundBlocked = false;
            while (!inboundReady.offer(ch)) {
                Thread.onSpinWait();
            }
            wakeUp();
        }
    }

    /**
     * Replaces the socket with a new one on {@code bind} (port 0: any free port), as when a client's address
     * changes; connections go on, and the peer follows the new address on the next authentic packet.
     */
    public CompletableFuture<InetSocketAddress> rebind(InetSocketAddress bind) throws IOException {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        submit(new Command() {
            @Override
            void run(EndpointWorker w) {
                try {
                    DatagramChannel fresh = openChannel(bind);
                    channel.close();
                    channel = fresh;
                    result.complete((InetSocketAddress) fresh.getLocalAddress());
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        return result;
    }

    /** Drops the connection at once with an ABORT. */
    public void abort(ConnectionChannel ch, long handle) throws IOException {
        submit(new Command() {
            @Override
            void run(EndpointWorker w) {
                if (ch.handle == handle && engine.state(handle) != ConnectionState.FREE) {
                    engine.abort(now, handle);
                }
            }
        });
    }

    /** A snapshot of one connection's numbers, taken on the worker. */
    public CompletableFuture<ConnectionStats> connectionStats(ConnectionChannel ch, long handle) throws IOException {
        CompletableFuture<ConnectionStats> result = new CompletableFuture<>();
        submit(new Command() {
            @Override
            void run(EndpointWorker w) {
                result.complete(ch.handle == handle ? engine.connectionStats(handle) : null);
            }
        });
        return result;
    }

    /** A row for every connection, taken on the worker. */
    public CompletableFuture<java.util.List<ConnectionStats>> allConnectionStats() throws IOException {
        CompletableFuture<java.util.List<ConnectionStats>> result = new CompletableFuture<>();
        submit(new Command() {
            @Override
            void run(EndpointWorker w) {
                result.complete(engine.allConnectionStats());
            }
        });
        return result;
    }

    private void submit(Command command) throws IOException {
        ensureRunning();
        while (!commands.offer(command)) {
            ensureRunning();
            Thread.onSpinWait();
        }
        wakeUp();
    }

    private void wakeUp() {
        if (sleeping.get()) {
            selector.wakeup();
        }
    }

    private void ensureRunning() throws IOException {
        if (!running) {
            throw new io.github.udptunnel.io.WorkerStoppedException(failure);
        }
    }

    /** Stops the worker: every connection ends, every waiting thread wakes. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Why the worker stopped on its own, or null (running, or closed normally). */
    public Throwable failure() {
        return failure;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The worker thread

    private void run() {
        int idle = 0;
        try {
            while (running) {
                now = System.nanoTime();
                int work = commands.drain(runCommand);
                work += outboundReady.drain(drainOutbound);
                work += inboundReady.drain(deliverInbound);
                work += receive();
                if (engine.nextDeadline() <= now) {
                    engine.handleTimeout(now);
                    work++;
                }
                work += retryBlocked();
                work += processEvents();
                work += transmit();
                if (work > 0) {
                    idle = 0;
                } else if (++idle < SPIN_CYCLES) {
                    Thread.onSpinWait();
                } else {
                    sleep();
                }
            }
        } catch (Throwable t) {
            failure = t;
            running = false;
        } finally {
            shutDown();
        }
    }

    private void sleep() throws IOException {
        sleeping.set(true);
        try {
            if (!commands.isEmpty() || !outboundReady.isEmpty() || !inboundReady.isEmpty() || !running) {
                return;
            }
            long deadline = engine.nextDeadline();
            long timeoutMillis = deadline == Long.MAX_VALUE ? 0
                : Math.max(1, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            selector.select(ignoreKey, timeoutMillis);
        } finally {
            sleeping.set(false);
        }
    }

    private int receive() throws IOException {
        int n = 0;
        while (n < RECEIVE_BATCH) {
            receiveBuffer.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(receiveBuffer);
            if (from == null) {
                break;
            }
            receiveBuffer.flip();
            engine.handleDatagram(now, from, receiveBuffer);
            n++;
        }
        if (n > 0) {
            engine.receiveBatchEnded(now, n == RECEIVE_BATCH);
        }
        return n;
    }

    private int transmit() throws IOException {
        int n = 0;
        while (true) {
            if (pendingDestination == null) {
                sendBuffer.clear();
                pendingDestination = engine.pollTransmit(now, sendBuffer);
                if (pendingDestination == null) {
                    return n;
                }
            }
            if (channel.send(sendBuffer, pendingDestination) == 0) {
                // The socket's buffer is full: keep the datagram and try again next cycle.
                return n;
            }
            pendingDestination = null;
            n++;
        }
    }

    private int processEvents() {
        int n = 0;
        while (engine.pollEvent(event)) {
            n++;
            long handle = event.handle();
            ConnectionChannel ch = channel((int) handle);
            switch (event.type()) {
                case CONNECTED -> {
                    if (ch.handle == handle) {
                        ch.serverFingerprint = engine.serverKey(handle).fingerprint();
                        ch.open = true;
                        completeConnect(ch);
                    }
                }
                case CONNECT_FAILED -> {
                    if (ch.handle == handle) {
                        ch.serverFingerprint = engine.serverKey(handle) == null ? null
                            : engine.serverKey(handle).fingerprint();
                        ch.closed(event.reason(), engine.closeDescription(handle));
                        engine.close(now, handle);
                        completeConnect(ch);
                    }
                }
                case ACCEPTED -> acceptAll();
                case PEER_MOVED -> {
                    if (ch.handle == handle) {
                        ch.peer = engine.peer(handle);
                    }
                }
                case READABLE, PEER_FINISHED -> {
                    if (ch.handle == handle) {
                        deliver(ch);
                    }
                }
                case WRITABLE -> {
                    if (ch.handle == handle && blockedOnRoom[ch.slot]) {
                        drainOutbound(ch);
                    }
                }
                case CLOSED -> {
                    if (ch.handle == handle) {
                        deliver(ch);  // what arrived before the end is still the application's
                        ch.closed(event.reason(), engine.closeDescription(handle));
                    }
                }
                default -> { }
            }
        }
        return n;
    }

    private void completeConnect(ConnectionChannel ch) {
        @SuppressWarnings("unchecked")
        CompletableFuture<ConnectionChannel> future = (CompletableFuture<ConnectionChannel>) pendingConnects[ch.slot];
        pendingConnects[ch.slot] = null;
        if (future != null) {
            future.complete(ch);
        }
    }

    private void acceptAll() {
        long handle;
        while ((handle = engine.accept()) >= 0) {
            ConnectionChannel ch = channel((int) handle);
            ch.reset(handle);
            ch.peer = engine.peer(handle);
            ch.open = true;
            accepted.offer(ch);
            acceptable.release();
            Thread waiter = acceptWaiter;
            if (waiter != null) {
                java.util.concurrent.locks.LockSupport.unpark(waiter);
            }
        }
    }

    /** Moves the engine's in-order data for {@code ch} into its inbound ring while the ring has room. */
    private void deliver(ConnectionChannel ch) {
        long handle = ch.handle;
        if (engine.state(handle) == ConnectionState.FREE) {
            return;
        }
        boolean wrote = false;
        int chunk = Math.min(CHUNK, ch.inbound.maxMsgLength());
        while (true) {
            // Room for the record even when the ring must pad to its end first, so the write below cannot fail.
            int needed = 2 * (chunk + RecordDescriptor.HEADER_LENGTH + RecordDescriptor.ALIGNMENT);
            if (freeBytes(ch) < needed) {
                ch.inboundBlocked = true;
                // The application may have read everything between the check and the flag: look once more, or
                // neither side would wake the other.
                if (freeBytes(ch) < needed) {
                    break;
                }
                ch.inboundBlocked = false;
            }
            int n = engine.readPart(now, handle, scratch, 0, chunk);
            boolean ended = engine.endedMessage(handle);
            if (n == 0 && !ended) {
                break;
            }
            if (!ch.inbound.write(ended ? ConnectionChannel.END : ConnectionChannel.PART, scratchBuffer, 0, n)) {
                throw new IllegalStateException("inbound ring refused a record it had room for");
            }
            wrote = true;
        }
        if (!ch.peerFinished && !ch.inboundBlocked && engine.isPeerFinished(handle)
            && ch.inbound.write(ConnectionChannel.EOF, scratchBuffer, 0, 0)) {
            ch.peerFinished = true;
            wrote = true;
        }
        if (wrote) {
            ch.wakeReader();
        }
    }

    private void deliverQueued(ConnectionChannel ch) {
        ch.inboundQueued.set(false);
        deliver(ch);
    }

    private static int freeBytes(ConnectionChannel ch) {
        return ch.inbound.capacity() - (int) (ch.inbound.producerPosition() - ch.inbound.consumerPosition());
    }

    /** Moves {@code ch}'s outbound ring into the engine; a connection the engine has no room for is retried. */
    private void drainOutbound(ConnectionChannel ch) {
        boolean blocked = moveOutbound(ch);
        if (blocked && !blockedOnRoom[ch.slot]) {
            blockedOnRoom[ch.slot] = true;
            blockedSlots[blockedCount++] = ch.slot;
        } else if (!blocked) {
            blockedOnRoom[ch.slot] = false;  // leaves the retry list at its next pass
        }
    }

    /** Returns true when the engine had no room for the next record, which stays in the ring. */
    private boolean moveOutbound(ConnectionChannel ch) {
        ch.outboundQueued.set(false);
        outboundHandler.start(ch);
        int records = 0;
        // One read stops at the end of the ring's buffer; records that wrapped to its start need another.
        while (!outboundHandler.blocked && ch.outbound.size() > 0) {
            int before = ch.outbound.size();
            records += ch.outbound.controlledRead(outboundHandler);
            if (ch.outbound.size() == before) {
                break;
            }
        }
        if (records > 0) {
            ch.wakeWriter();
        }
        return outboundHandler.blocked;
    }

    /** Connections whose data waits for room in the engine get another try once acks may have made some. */
    private int retryBlocked() {
        int kept = 0;
        int work = 0;
        for (int i = 0; i < blockedCount; i++) {
            int slot = blockedSlots[i];
            if (!blockedOnRoom[slot]) {
                continue;
            }
            ConnectionChannel ch = channel(slot);
            if (engine.state(ch.handle) == ConnectionState.FREE) {
                blockedOnRoom[slot] = false;
                continue;
            }
            if (engine.sendRoom(ch.handle) > 0) {
                work++;
                if (!moveOutbound(ch)) {
                    blockedOnRoom[slot] = false;
                    continue;
                }
            }
            blockedSlots[kept++] = slot;
        }
        blockedCount = kept;
        return work;
    }

    /** Reads outbound records into the engine, stopping (and keeping the record) when the engine has no room. */
    private final class OutboundHandler implements ControlledMessageHandler {
        private ConnectionChannel ch;
        private long handle;
        boolean blocked;

        void start(ConnectionChannel channel) {
            this.ch = channel;
            this.handle = channel.handle;
            this.blocked = false;
        }

        @Override
        public Action onMessage(int type, org.agrona.MutableDirectBuffer buffer, int index, int length) {
            ConnectionState state = engine.state(handle);
            if (state == ConnectionState.FREE || ch.handle != handle) {
                return Action.CONTINUE;  // the connection is gone: what was written for it is dropped
            }
            if (state == ConnectionState.CLOSED) {
                if (type == ConnectionChannel.CLOSE) {
                    engine.close(now, handle);  // the application lets go of a connection that ended: free the slot
                }
                return Action.CONTINUE;  // data written after the end goes nowhere
            }
            switch (type) {
                case ConnectionChannel.PART, ConnectionChannel.END -> {
                    buffer.getBytes(index, scratch, 0, length);
                    if (!engine.sendPart(now, handle, scratch, 0, length, type == ConnectionChannel.END)) {
                        blocked = true;
                        return Action.ABORT;
                    }
                }
                case ConnectionChannel.FIN -> engine.finish(now, handle);
                case ConnectionChannel.CLOSE -> engine.close(now, handle);
                default -> { }
            }
            return Action.CONTINUE;
        }
    }

    private ConnectionChannel channel(int slot) {
        ConnectionChannel ch = channels[slot];
        if (ch == null) {
            ch = new ConnectionChannel(slot, ringBytes);
            channels[slot] = ch;
        }
        return ch;
    }

    private void runCommand(Command command) {
        command.run(this);
    }

    private void shutDown() {
        engine.closeEndpoint();
        processEvents();
        for (ConnectionChannel ch : channels) {
            if (ch == null) {
                continue;
            }
            if (ch.closeReason == null && ch.handle >= 0) {
                ch.closed(io.github.udptunnel.engine.CloseReason.ENDPOINT_CLOSED, "the endpoint was closed");
            }
            ch.wakeAll();
        }
        for (CompletableFuture<?> f : pendingConnects) {
            if (f != null) {
                f.completeExceptionally(new WorkerStoppedException(failure));
            }
        }
        acceptable.release(Integer.MAX_VALUE / 2);
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** A task for the worker thread. */
    abstract static class Command {
        abstract void run(EndpointWorker worker);
    }
}
