package io.github.udptunnel.io;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.CloseReason;
import io.github.udptunnel.engine.ConnectionState;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.EngineConfig;
import io.github.udptunnel.engine.EngineEvent;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.engine.EventType;
import io.github.udptunnel.engine.Endpoint;
import io.github.udptunnel.wire.Packet;

/**
 * The one thread of an endpoint: it owns the transport (the UDP socket), the engine, the timers and the buffers.
 * Application threads reach it only through a command queue and each connection's ring buffers
 * ({@link ConnectionChannel}). One duty cycle ({@link #runCycle}): commands, channels the application changed
 * (data written, output finished, connection let go), channels with room again for inbound data, datagrams in,
 * timers, engine events, datagrams out. A real endpoint runs cycles on its own thread and sleeps in the transport
 * when a cycle did nothing; the deterministic tests run them from a simulator in virtual time instead.
 *
 * <p>The worker never waits on anything but its transport: trust stores, disks and databases are the application
 * threads' business (see {@code TunnelEndpoint.connect}).
 */
public final class EndpointWorker {

    /** Bytes the worker moves from the engine to an inbound ring at a time. */
    static final int CHUNK = 16 * 1024;
    /** Datagrams received in one cycle before the worker turns to other work. */
    static final int RECEIVE_BATCH = 64;
    /**
     * Datagrams received within a batch before the worker sends what the engine has to send (its acks first). One ack
     * for a batch of 64 told the sender of 64 packets at once, in at most four sack ranges: on a lossy path the runs
     * left out were taken for lost and sent again, and the sender's window left in bursts of a batch.
     */
    static final int TRANSMIT_EVERY = 8;
    /** Idle cycles spent spinning before sleeping in the transport. */
    static final int SPIN_CYCLES = 200;
    private static final int WAKE_ALL_PERMITS = 1 << 20;

    /** How a connect ended, handed to the thread that asked: a handle, or why it failed. */
    public record ConnectOutcome(ConnectionChannel channel, long handle, PublicKey serverKey, CloseReason failure,
                                 String description) {
        public boolean connected() {
            return failure == null;
        }
    }

    /** Points of a cycle where a deterministic test may run application code, to try the interleavings. */
    public enum Point { AFTER_COMMANDS, AFTER_CHANNELS, AFTER_INBOUND, AFTER_RECEIVE, AFTER_TIMERS, AFTER_EVENTS,
        BEFORE_TRANSMIT, INBOUND_BLOCKED_FLAG_SET }

    /** Runs at each {@link Point}: test code only. */
    public interface Interleaving {
        void at(Point point);
    }

    private final Endpoint engine;
    private final DatagramTransport transport;
    private final LongSupplier clock;
    /** Made when a connection first takes the slot (the engine reuses the slot freed last), then kept. */
    private final ConnectionChannel[] channels;
    private final int ringBytes;
    @SuppressWarnings("unchecked")
    private final CompletableFuture<ConnectOutcome>[] pendingConnects;
    private final boolean[] blockedOnRoom;
    private final int[] blockedSlots;
    private int blockedCount;

    /** Commands are rare (connect, stats, close): a lock keeps "accepted, then run or failed" simple and exact. */
    private final Object commandLock = new Object();
    private final ArrayDeque<Command> commands = new ArrayDeque<>();
    private boolean acceptingCommands = true;
    private volatile boolean commandsWaiting;

    private final ManyToOneConcurrentArrayQueue<ConnectionChannel> changed;
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
    /** Records the last {@link #moveOutbound} moved into the engine. */
    private int movedRecords;
    private final Consumer<ConnectionChannel> service = this::service;
    private final Consumer<ConnectionChannel> deliverQueued = this::deliverQueued;

    private Interleaving interleaving;
    private Thread thread;
    private volatile boolean sleeping;
    /** False once close() began: application calls are refused, though the worker may still be draining. */
    private volatile boolean open = true;
    private volatile boolean stopped;
    private volatile Throwable failure;
    private long drainDeadline = Long.MAX_VALUE;
    private boolean draining;
    private long now;

    public EndpointWorker(EngineConfig config, DatagramTransport transport, LongSupplier clock, int ringBytes) {
        this.engine = new Endpoint(config);
        this.transport = transport;
        this.clock = clock;
        int capacity = engine.maxConnections();
        this.channels = new ConnectionChannel[capacity];
        this.ringBytes = ringBytes;
        this.pendingConnects = new CompletableFuture[capacity];
        this.blockedOnRoom = new boolean[capacity];
        this.blockedSlots = new int[capacity];
        this.changed = new ManyToOneConcurrentArrayQueue<>(Math.max(2, capacity));
        this.inboundReady = new ManyToOneConcurrentArrayQueue<>(Math.max(2, capacity));
        this.accepted = new ManyToManyConcurrentArrayQueue<>(Math.max(2, capacity));
        this.now = clock.getAsLong();
    }

    /** Starts the worker's own thread, which runs cycles and sleeps in the transport when idle. */
    public EndpointWorker start(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Test code: application code to run at each {@link Point} of a cycle. */
    public void interleaving(Interleaving hook) {
        this.interleaving = hook;
    }

    public InetSocketAddress localAddress() {
        try {
            return transport.localAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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

    /**
     * Starts a connect to {@code server}, known as {@code host}, expecting {@code pinnedKey} (null: first use, any
     * key). The future completes when the handshake ends either way, within {@code timeoutNanos}; exceptionally
     * only when the endpoint closes first.
     */
    public CompletableFuture<ConnectOutcome> connect(InetSocketAddress server, String host, PublicKey pinnedKey,
                                                     long timeoutNanos) {
        CompletableFuture<ConnectOutcome> result = new CompletableFuture<>();
        submit(result, () -> {
            if (draining) {
                throw new IllegalStateException("the endpoint is closing");
            }
            long handle = engine.connect(now, server, host, pinnedKey, timeoutNanos);
            ConnectionChannel ch = channel((int) handle);
            ch.reset(handle);
            ch.peer = server;
            pendingConnects[ch.slot] = result;
            return null;  // completed by the CONNECTED or CONNECT_FAILED event
        });
        return result;
    }

    /** The next accepted connection's channel within {@code timeoutNanos} (0: do not wait), or null. */
    public ConnectionChannel accept(long timeoutNanos) throws InterruptedException {
        if (!open || !acceptable.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        return accepted.poll();  // null when woken by close
    }

    /** True when a connection waits to be accepted. */
    public boolean acceptable() {
        return acceptable.availablePermits() > 0 && open;
    }

    /** The thread to wake when a connection arrives to be accepted (a selector), or null. */
    public void acceptWaiter(Thread waiter) {
        this.acceptWaiter = waiter;
        VarHandle.fullFence();
    }

    /** The application wrote to {@code ch}'s outbound ring, asked to finish, or let go: the worker looks at it. */
    public void channelChanged(ConnectionChannel ch) {
        if (ch.outboundQueued.compareAndSet(false, true)) {
            while (!changed.offer(ch)) {
                Thread.onSpinWait();
            }
            wakeUp();
        }
    }

    /** The application read from {@code ch}'s inbound ring: if the worker was held up by it, let it go on. */
    public void inboundRead(ConnectionChannel ch) {
        // The ring's head moved with a release store; without a full fence the flag below could be read before
        // that store is seen, while the worker sets the flag and reads the old head: both would wait for the other.
        VarHandle.fullFence();
        if (ch.inboundBlocked && ch.inboundQueued.compareAndSet(false, true)) {
            // The worker clears the flag when it takes the channel: clearing it here could undo a newer "blocked".
            while (!inboundReady.offer(ch)) {
                Thread.onSpinWait();
            }
            wakeUp();
        }
    }

    /** Replaces the socket with one on {@code bind}; connections go on, the peer follows the next authentic packet. */
    public CompletableFuture<InetSocketAddress> rebind(InetSocketAddress bind) {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        submit(result, () -> transport.rebind(bind));
        return result;
    }

    /** A snapshot of one connection's numbers, taken on the worker; null once it is gone. */
    public CompletableFuture<ConnectionStats> connectionStats(ConnectionChannel ch, long handle) {
        CompletableFuture<ConnectionStats> result = new CompletableFuture<>();
        submit(result, () -> ch.holds(handle) ? engine.connectionStats(handle) : null);
        return result;
    }

    /** A row for every connection, taken on the worker. */
    public CompletableFuture<List<ConnectionStats>> allConnectionStats() {
        CompletableFuture<List<ConnectionStats>> result = new CompletableFuture<>();
        submit(result, engine::allConnectionStats);
        return result;
    }

    /** Runs {@code task} on the worker and completes {@code result} with what it returns (unless it returns null). */
    private <T> void submit(CompletableFuture<T> result, Task<T> task) {
        Command command = new Command() {
            @Override
            void run() {
                try {
                    T value = task.run();
                    if (value != null) {
                        result.complete(value);
                    }
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            void fail(Throwable cause) {
                result.completeExceptionally(cause);
            }
        };
        synchronized (commandLock) {
            if (!acceptingCommands || !open) {
                command.fail(stoppedException());
                return;
            }
            commands.add(command);
            commandsWaiting = true;
        }
        wakeUp();
    }

    private void wakeUp() {
        if (sleeping) {
            transport.wakeUp();
        }
    }

    /** Why application calls fail now: closed, or failed (then with the cause). */
    public WorkerStoppedException stoppedException() {
        return new WorkerStoppedException(failure);
    }

    /**
     * Closes the endpoint: no more application calls; every connection finishes, and its peer is told, for at
     * most {@code drainNanos} (0: abort them all at once); then the worker stops. On a worker with its own thread,
     * waits for that.
     */
    public void close(long drainNanos) {
        CompletableFuture<Void> drain = new CompletableFuture<>();
        submit(drain, () -> {
            startDrain(drainNanos);
            return null;
        });
        open = false;
        wakeAllWaiters();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True until close() began or the worker failed. */
    public boolean isOpen() {
        return open && !stopped;
    }

    /** True once the worker has stopped for good. */
    public boolean isStopped() {
        return stopped;
    }

    /** Why the worker stopped on its own, or null (running, or closed normally). */
    public Throwable failure() {
        return failure;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The duty cycle

    private void run() {
        int idle = 0;
        try {
            while (!stopped) {
                int work = runCycle(clock.getAsLong());
                if (work > 0) {
                    idle = 0;
                } else if (++idle < SPIN_CYCLES) {
                    Thread.onSpinWait();
                } else {
                    sleep();
                }
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void sleep() throws IOException {
        sleeping = true;
        try {
            // The flag is set before this look, and the application sets its queue entry before it reads the flag.
            if (hasQueuedWork()) {
                return;
            }
            long deadline = nextDeadline();
            transport.await(deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - clock.getAsLong()));
        } finally {
            sleeping = false;
        }
    }

    /** True when application threads have left work for the worker. */
    public boolean hasQueuedWork() {
        return !stopped && (commandsWaiting || !changed.isEmpty() || !inboundReady.isEmpty());
    }

    /** When the worker wants a cycle next: the engine's timers, or the end of a close's drain (MAX_VALUE: none). */
    public long nextDeadline() {
        return draining ? Math.min(engine.nextDeadline(), drainDeadline) : engine.nextDeadline();
    }

    /**
     * One duty cycle at {@code nowNanos}; returns how much it did (0: nothing). Called by the worker's thread, or
     * by a simulator; a worker that failed stops and wakes every waiting thread.
     */
    public int runCycle(long nowNanos) {
        if (stopped) {
            return 0;
        }
        try {
            return cycle(nowNanos);
        } catch (Throwable t) {
            fail(t);
            return 0;
        }
    }

    private int cycle(long nowNanos) throws IOException {
        now = nowNanos;
        int work = runCommands();
        at(Point.AFTER_COMMANDS);
        work += changed.drain(service);
        at(Point.AFTER_CHANNELS);
        work += inboundReady.drain(deliverQueued);
        at(Point.AFTER_INBOUND);
        work += receive();
        at(Point.AFTER_RECEIVE);
        if (engine.nextDeadline() <= now) {
            engine.handleTimeout(now);
            work++;
        }
        work += retryBlocked();
        at(Point.AFTER_TIMERS);
        work += processEvents();
        at(Point.AFTER_EVENTS);
        work += transmit();
        if (draining && drainDone()) {
            shutDown();
        }
        return work;
    }

    private void at(Point point) {
        if (interleaving != null) {
            interleaving.at(point);
        }
    }

    private int runCommands() {
        if (!commandsWaiting) {
            return 0;
        }
        int n = 0;
        while (true) {
            Command command;
            synchronized (commandLock) {
                command = commands.poll();
                if (command == null) {
                    commandsWaiting = false;
                    return n;
                }
            }
            command.run();
            n++;
        }
    }

    private int receive() throws IOException {
        int n = 0;
        while (n < RECEIVE_BATCH) {
            receiveBuffer.clear();
            InetSocketAddress from = transport.receive(receiveBuffer);
            if (from == null) {
                break;
            }
            receiveBuffer.flip();
            // The time of this datagram, not of the cycle's start: a cycle stalled by the scheduler would otherwise
            // stamp it milliseconds early, the peer's ack delay would count the stall and its RTT sample would come
            // out short of the path's (a base RTT of 27 ms was seen on a 40 ms path under load).
            now = Math.max(now, clock.getAsLong());
            engine.handleDatagram(now, from, receiveBuffer);
            n++;
            if (n % TRANSMIT_EVERY == 0) {
                transmit();
            }
        }
        if (n > 0) {
            engine.receiveBatchEnded(now, n == RECEIVE_BATCH);
        }
        return n;
    }

    private int transmit() throws IOException {
        at(Point.BEFORE_TRANSMIT);
        int n = 0;
        while (true) {
            if (pendingDestination == null) {
                sendBuffer.clear();
                pendingDestination = engine.pollTransmit(now, sendBuffer);
                if (pendingDestination == null) {
                    return n;
                }
            }
            if (!transport.send(sendBuffer, pendingDestination)) {
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
            if (event.type() == EventType.ACCEPTED) {
                acceptAll();  // the new connections take their slots' channels here
                continue;
            }
            long handle = event.handle();
            ConnectionChannel ch = channel((int) handle);
            if (!ch.holds(handle)) {
                continue;  // an event for a connection that is gone
            }
            switch (event.type()) {
                case CONNECTED -> {
                    ch.open = true;
                    completeConnect(ch, new ConnectOutcome(ch, handle, engine.serverKey(handle), null, null));
                }
                case CONNECT_FAILED -> {
                    String why = engine.closeDescription(handle);
                    ch.closed(event.reason(), why);
                    completeConnect(ch, new ConnectOutcome(ch, handle, engine.serverKey(handle), event.reason(), why));
                    engine.close(now, handle);  // nobody holds it: free the slot
                }
                case PEER_MOVED -> ch.peer = engine.peer(handle);
                case READABLE, PEER_FINISHED -> deliver(ch, handle);
                case WRITABLE -> {
                    if (blockedOnRoom[ch.slot]) {
                        service(ch);
                    }
                }
                case CLOSED -> {
                    ch.closed(event.reason(), engine.closeDescription(handle));
                    deliver(ch, handle);  // the data that arrived before the end, then the end itself
                }
                default -> { }
            }
        }
        return n;
    }

    private void completeConnect(ConnectionChannel ch, ConnectOutcome outcome) {
        CompletableFuture<ConnectOutcome> future = pendingConnects[ch.slot];
        pendingConnects[ch.slot] = null;
        if (future != null) {
            future.complete(outcome);
        }
    }

    private void acceptAll() {
        long handle;
        while ((handle = engine.accept()) >= 0) {
            ConnectionChannel ch = channel((int) handle);
            ch.reset(handle);
            ch.peer = engine.peer(handle);
            if (draining) {
                engine.abort(now, handle);
                continue;
            }
            ch.open = true;
            accepted.offer(ch);
            acceptable.release();
            Thread waiter = acceptWaiter;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inbound: engine to ring

    /**
     * Moves the engine's in-order data for the connection into its inbound ring while the ring has room, then the
     * end of the stream and the end of the connection once everything before them is in. A connection the
     * application let go of has its data read and dropped, so the peer is never held up by a reader that left.
     */
    private void deliver(ConnectionChannel ch, long handle) {
        if (engine.state(handle) == ConnectionState.FREE) {
            return;
        }
        if ((ch.lease() & (ConnectionChannel.RELEASED | ConnectionChannel.ABORTED)) != 0) {
            while (engine.readPart(now, handle, scratch, 0, CHUNK) > 0 || engine.endedMessage(handle)) {
                // dropped: nobody will read it
            }
            return;
        }
        boolean wrote = false;
        boolean blocked = false;
        ch.noteInbound((int) Math.min(Integer.MAX_VALUE, engine.available(handle)));
        while (true) {
            // Room for what is there, not for a whole chunk: the last bytes, or an empty message, need little.
            int want = (int) Math.min(Math.min(CHUNK, ch.inboundMaxRecord()), engine.available(handle));
            if (!roomFor(ch, want)) {
                blocked = true;  // a local: the shared flag is the reader's to see, not this loop's to trust
                break;
            }
            int n = engine.nextPart(handle, want);
            boolean ended = engine.nextPartEnds(handle);
            if (n == 0 && !ended) {
                break;
            }
            writePart(ch, handle, ended ? ConnectionChannel.END : ConnectionChannel.PART, n);
            wrote = true;
        }
        if (!blocked) {  // everything the engine held is in the ring: the end of the stream, then of the connection
            boolean eofPending = !ch.eofWritten && engine.isPeerFinished(handle);
            if (eofPending && roomFor(ch, 0)) {
                write(ch, ConnectionChannel.EOF, 0);
                ch.eofWritten = true;
                eofPending = false;
                wrote = true;
            }
            if (!eofPending && !ch.endedWritten && ch.closeReason != null && roomFor(ch, 0)) {
                write(ch, ConnectionChannel.ENDED, 0);
                ch.endedWritten = true;
                wrote = true;
            }
        }
        if (wrote) {
            ch.wakeReader();
        }
    }

    /**
     * True when the inbound ring has room for a record of {@code length} bytes even if it must pad to its end
     * first (a ring that was short of room and may grow waits to be empty instead, then doubles). When it has not,
     * the worker raises {@code inboundBlocked} for the reader and looks once more: the reader may have made room
     * between the first look and the flag, and then neither would wake the other.
     */
    private boolean roomFor(ConnectionChannel ch, int length) {
        if (ch.inboundRoomFor(length)) {
            return true;
        }
        ch.inboundBlocked = true;
        at(Point.INBOUND_BLOCKED_FLAG_SET);
        if (!ch.inboundRoomFor(length)) {
            return false;
        }
        ch.inboundBlocked = false;
        return true;
    }

    /**
     * Claims a record of {@code length} bytes in the inbound ring and has the engine read the part straight into it:
     * one copy from the engine's segments to the ring, none through a scratch array.
     */
    private void writePart(ConnectionChannel ch, long handle, int type, int length) {
        OneToOneRingBuffer ring = ch.inbound();
        int index = ring.tryClaim(type, length);
        if (index < 0) {
            throw new IllegalStateException("inbound ring refused a record it had room for");
        }
        AtomicBuffer buffer = ring.buffer();
        int read = engine.readPart(now, handle, buffer.byteBuffer(), buffer.wrapAdjustment() + index, length);
        ring.commit(index);
        if (read != length) {
            throw new IllegalStateException("the engine read " + read + " bytes of a part of " + length);
        }
    }

    private void write(ConnectionChannel ch, int type, int length) {
        if (!ch.inbound().write(type, scratchBuffer, 0, length)) {
            throw new IllegalStateException("inbound ring refused a record it had room for");
        }
    }

    private void deliverQueued(ConnectionChannel ch) {
        ch.inboundQueued.set(false);
        ch.inboundBlocked = false;  // deliver sets it again if the ring is still short of room
        long lease = ch.lease();
        if (lease != ConnectionChannel.NO_CONNECTION) {
            deliver(ch, lease & ~(ConnectionChannel.RELEASED | ConnectionChannel.ABORTED));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Outbound: ring to engine, and the application's finish, close and abort

    /**
     * The application changed something on {@code ch}: moves its outbound ring into the engine; then, once the ring
     * is empty and no application thread is inside, carries out what it asked: finish, close or abort.
     */
    private void service(ConnectionChannel ch) {
        ch.outboundQueued.set(false);
        // Read what the application asked before the ring, so that the ring holds everything sent before it asked.
        long lease = ch.lease();
        if (lease == ConnectionChannel.NO_CONNECTION || ch.letGo) {
            return;
        }
        long handle = lease & ~(ConnectionChannel.RELEASED | ConnectionChannel.ABORTED);
        boolean aborted = (lease & ConnectionChannel.ABORTED) != 0;
        boolean released = aborted || (lease & ConnectionChannel.RELEASED) != 0;
        boolean finish = ch.outputEnd == ConnectionChannel.FINISH;
        boolean appInside = ch.appInside();
        if (engine.state(handle) == ConnectionState.FREE) {
            return;
        }
        if (aborted) {
            if (!appInside) {
                letGo(ch, handle, true);
            }
            return;
        }
        boolean blocked = moveOutbound(ch, handle);
        markBlocked(ch, blocked);
        if (blocked || ch.outbound().size() > 0) {
            return;
        }
        if (released) {
            if (!appInside) {
                letGo(ch, handle, false);
            }
        } else if (finish && !ch.finishSent) {
            ch.finishSent = true;
            if (engine.state(handle) != ConnectionState.CLOSED) {
                engine.finish(now, handle);
            }
        }
    }

    /** The application is done with the connection and no thread of it is inside: the engine may end it. */
    private void letGo(ConnectionChannel ch, long handle, boolean abort) {
        ch.letGo = true;
        markBlocked(ch, false);
        if (abort) {
            engine.abort(now, handle);
        } else {
            engine.close(now, handle);
        }
        if (engine.state(handle) != ConnectionState.FREE) {
            deliver(ch, handle);  // drops what is waiting, so the peer can finish
        }
    }

    private void markBlocked(ConnectionChannel ch, boolean blocked) {
        if (blocked && !blockedOnRoom[ch.slot]) {
            blockedOnRoom[ch.slot] = true;
            blockedSlots[blockedCount++] = ch.slot;
        } else if (!blocked) {
            blockedOnRoom[ch.slot] = false;  // leaves the retry list at its next pass
        }
    }

    /** Returns true when the engine had no room for the next record, which stays in the ring. */
    private boolean moveOutbound(ConnectionChannel ch, long handle) {
        outboundHandler.start(ch, handle);
        int records = 0;
        // One read stops at the end of the ring's buffer; records that wrapped to its start need another.
        while (!outboundHandler.blocked && ch.outbound().size() > 0) {
            int before = ch.outbound().size();
            records += ch.outbound().controlledRead(outboundHandler);
            if (ch.outbound().size() == before) {
                break;
            }
        }
        if (records > 0) {
            ch.wakeWriter();
        }
        movedRecords = records;
        return outboundHandler.blocked;
    }

    /**
     * Connections whose data waits for room in the engine get another try once acks may have made some. Only a try
     * that moved something counts as work: room for less than the next record is no progress, and counting it would
     * keep the worker spinning instead of sleeping.
     */
    private int retryBlocked() {
        int kept = 0;
        int work = 0;
        for (int i = 0; i < blockedCount; i++) {
            int slot = blockedSlots[i];
            if (!blockedOnRoom[slot]) {
                continue;
            }
            ConnectionChannel ch = channels[slot];
            long handle = ch.lease() & ~(ConnectionChannel.RELEASED | ConnectionChannel.ABORTED);
            if (engine.state(handle) == ConnectionState.FREE) {
                blockedOnRoom[slot] = false;
                continue;
            }
            if (engine.sendRoom(handle) > 0) {
                movedRecords = 0;
                service(ch);
                work += movedRecords;
                if (!blockedOnRoom[slot]) {
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

        void start(ConnectionChannel channel, long connection) {
            this.ch = channel;
            this.handle = connection;
            this.blocked = false;
        }

        @Override
        public Action onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
            if (ch.finishSent || engine.state(handle) != ConnectionState.ESTABLISHED) {
                // The connection ended, or the endpoint is closing: the application sees why on its next send.
                return Action.CONTINUE;
            }
            buffer.getBytes(index, scratch, 0, length);
            if (!engine.sendPart(now, handle, scratch, 0, length, type == ConnectionChannel.END)) {
                blocked = true;
                return Action.ABORT;
            }
            return Action.CONTINUE;
        }
    }

    private ConnectionChannel channel(int slot) {
        ConnectionChannel ch = channels[slot];
        if (ch == null) {
            ch = new ConnectionChannel(this, slot, ringBytes);
            channels[slot] = ch;
        }
        return ch;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing the endpoint

    private void startDrain(long drainNanos) {
        if (draining) {
            return;
        }
        draining = true;
        drainDeadline = drainNanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + drainNanos;
        for (ConnectionChannel ch : channels) {
            if (ch == null || ch.letGo) {
                continue;
            }
            long handle = ch.lease() & ~(ConnectionChannel.RELEASED | ConnectionChannel.ABORTED);
            ConnectionState state = engine.state(handle);
            if (state == ConnectionState.ESTABLISHED) {
                moveOutbound(ch, handle);
                if (!ch.finishSent) {
                    ch.finishSent = true;
                    engine.finish(now, handle);
                }
            }
        }
    }

    /** Every connection's peer has everything (its FIN acknowledged), or the drain time is up (then abort them). */
    private boolean drainDone() {
        boolean timeUp = now >= drainDeadline;
        boolean done = true;
        for (ConnectionChannel ch : channels) {
            if (ch == null) {
                continue;
            }
            long handle = ch.lease() & ~(ConnectionChannel.RELEASED | ConnectionChannel.ABORTED);
            ConnectionState state = engine.state(handle);
            if (state == ConnectionState.ESTABLISHED || state == ConnectionState.HELLO_SENT
                || state == ConnectionState.INIT_SENT) {
                if (state == ConnectionState.ESTABLISHED && engine.isFinishAcknowledged(handle)) {
                    continue;
                }
                if (timeUp) {
                    engine.abort(now, handle);
                } else {
                    done = false;
                }
            }
        }
        if (timeUp) {
            try {
                transmit();  // the ABORTs go out before the socket closes
            } catch (IOException e) {
                // the peers will time out instead
            }
        }
        return done;
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        shutDown();
    }

    private void shutDown() {
        if (stopped) {
            return;
        }
        open = false;
        try {
            engine.closeEndpoint();
            while (engine.pollEvent(event)) {
                // the CLOSED events of closeEndpoint: every channel is closed below
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }
        stopped = true;
        for (ConnectionChannel ch : channels) {
            if (ch != null && ch.lease() != ConnectionChannel.NO_CONNECTION && ch.closeReason == null) {
                ch.closed(CloseReason.ENDPOINT_CLOSED, "the endpoint was closed");
            }
        }
        WorkerStoppedException stoppedException = stoppedException();
        for (int i = 0; i < pendingConnects.length; i++) {
            if (pendingConnects[i] != null) {
                pendingConnects[i].completeExceptionally(stoppedException);
                pendingConnects[i] = null;
            }
        }
        synchronized (commandLock) {
            acceptingCommands = false;
            Command c;
            while ((c = commands.poll()) != null) {
                c.fail(stoppedException);
            }
            commandsWaiting = false;
        }
        wakeAllWaiters();
        try {
            transport.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void wakeAllWaiters() {
        if (acceptable.availablePermits() < WAKE_ALL_PERMITS) {
            acceptable.release(WAKE_ALL_PERMITS);  // every thread in accept() wakes, finds nothing, and sees why
        }
        Thread waiter = acceptWaiter;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
        for (ConnectionChannel ch : channels) {
            if (ch != null) {
                ch.wakeAll();
            }
        }
    }

    /** Work for the worker thread, from an application thread. */
    private abstract static class Command {
        abstract void run();

        abstract void fail(Throwable cause);
    }

    @FunctionalInterface
    private interface Task<T> {
        T run() throws Exception;
    }
}
