package io.github.udptunnel.io;

import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.BitUtil;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import io.github.udptunnel.engine.CloseReason;

/**
 * What application threads and the worker share for one connection slot: a ring buffer each way, the state the
 * worker publishes, and the threads waiting. Made when a slot is first used and reused by every connection that
 * takes the slot, so the worker allocates nothing per connection.
 *
 * <h2>Who may touch the rings</h2>
 * The {@link #lease} names the connection that holds the slot (its engine handle), with {@link #RELEASED} or
 * {@link #ABORTED} set once the application has let go. An application thread {@link #enter enters} before it touches
 * a ring and {@link #exit exits} after; entering checks the lease, so a handle that is stale (closed, or its slot now
 * another connection's) is refused before it reads a byte. The worker lets the engine end a released connection,
 * which is what can free the slot for reuse, only once no application thread is inside: a thread that entered
 * before the release finishes first, and one that enters after sees the release. So no handle ever reads another
 * connection's bytes.
 *
 * <h2>Records</h2>
 * Outbound (application to worker): {@link #PART} continues the current message, {@link #END} ends it. Inbound
 * (worker to application): parts, then {@link #EOF} when the peer finished, then {@link #ENDED} when the connection
 * is over; the worker writes these only after every byte the engine holds for the connection, so a reader sees all
 * the data before it learns of the end.
 *
 * <h2>Sizes</h2>
 * Each ring is an {@link ElasticRing}: it starts at {@link ElasticRing#MIN_BYTES}, doubles up to the configured size
 * when it was short of room (swapped by its producer once empty), and goes back to the smallest size after a run of
 * small writes or when a new connection takes the slot. Every access goes through {@link #outbound()} or
 * {@link #inbound()}, never a ring kept from an earlier one.
 */
public final class ConnectionChannel {

    /** A part of a message; more follows. */
    public static final int PART = 1;
    /** The last part of a message. */
    public static final int END = 2;
    /** Inbound: the peer finished; no data follows. */
    public static final int EOF = 3;
    /** Inbound: the connection is over ({@link #closeReason} says why); nothing follows. */
    public static final int ENDED = 4;

    /** The largest part a message is written in, whatever the size of the ring. */
    public static final int MAX_PART = 16 * 1024;
    /** The size both rings start at, and go back to (see {@link ElasticRing}). */
    public static final int MIN_RING_BYTES = ElasticRing.MIN_BYTES;

    /** Lease bit: the application closed the connection (deliver what it sent, then close). */
    public static final long RELEASED = 1L << 31;
    /** Lease bit: the application aborted the connection. */
    public static final long ABORTED = 1L << 30;
    static final long NO_CONNECTION = -1;

    /** What the application asked of its output, beyond sending: {@link #FINISH} after the ring is empty. */
    static final int OUTPUT_OPEN = 0;
    static final int FINISH = 1;

    private final EndpointWorker worker;
    final int slot;
    private final ElasticRing outboundRing;
    private final ElasticRing inboundRing;

    private final AtomicLong lease = new AtomicLong(NO_CONNECTION);
    private final AtomicInteger inside = new AtomicInteger();

    /** Queued for the worker, so a burst of writes wakes it once. */
    final AtomicBoolean outboundQueued = new AtomicBoolean();
    final AtomicBoolean inboundQueued = new AtomicBoolean();
    /** The worker stopped delivering: the inbound ring had no room. */
    volatile boolean inboundBlocked;
    /** The application asked to finish its output (half-close). */
    volatile int outputEnd = OUTPUT_OPEN;

    // Worker-only bookkeeping.
    boolean finishSent;
    boolean eofWritten;
    boolean endedWritten;
    boolean letGo;

    // Published by the worker for the application.
    volatile boolean open;
    volatile CloseReason closeReason;
    volatile String closeDescription;
    volatile InetSocketAddress peer;

    // Threads to wake.
    volatile Thread reader;
    volatile Thread writer;
    /** A thread in TunnelSelector.select waiting on this connection among others. */
    volatile Thread selector;

    ConnectionChannel(EndpointWorker worker, int slot, int ringBytes) {
        this.worker = worker;
        this.slot = slot;
        // Both smallest rings in one allocation: a connection of small messages costs one buffer off the heap.
        int home = ElasticRing.homeBytes(ringBytes);
        java.nio.ByteBuffer slab = java.nio.ByteBuffer.allocateDirect(2 * home);
        this.outboundRing = new ElasticRing(ringBytes, slab, 0);
        this.inboundRing = new ElasticRing(ringBytes, slab, home);
    }

    /** The outbound ring (application to worker) now: read afresh for every access, as it may have been swapped. */
    public OneToOneRingBuffer outbound() {
        return outboundRing.ring();
    }

    /** The inbound ring (worker to application) now: read afresh for every access, as it may have been swapped. */
    public OneToOneRingBuffer inbound() {
        return inboundRing.ring();
    }

    /** Bytes both rings take off the heap now, trailers included. */
    public int ringFootprint() {
        return outboundRing.footprint() + inboundRing.footprint();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Application side

    /**
     * Before touching a ring for the connection {@code handle}: true when the slot is still that connection's and
     * not released; the caller then {@link #exit}s when done. False (and nothing to undo) otherwise.
     */
    public boolean enter(long handle) {
        inside.incrementAndGet();
        if (lease.get() == handle) {
            return true;
        }
        exit();
        return false;
    }

    /** After {@link #enter}; the last thread out of a released slot tells the worker, which may then end it. */
    public void exit() {
        if (inside.decrementAndGet() == 0 && (lease.get() & (RELEASED | ABORTED)) != 0) {
            worker.channelChanged(this);
        }
    }

    /** True while {@code handle} holds the slot and has not been released. */
    public boolean isCurrent(long handle) {
        return lease.get() == handle;
    }

    /** True while {@code handle} holds the slot, released or not. */
    public boolean holds(long handle) {
        return (lease.get() & ~(RELEASED | ABORTED)) == handle;
    }

    /** The application lets go of {@code handle}: closed ({@code abort} false) or aborted. False if it already had. */
    public boolean release(long handle, boolean abort) {
        if (abort) {
            // An abort may follow a close: the abort wins.
            long now;
            while (((now = lease.get()) & ~(RELEASED | ABORTED)) == handle && (now & ABORTED) == 0) {
                if (lease.compareAndSet(now, handle | ABORTED)) {
                    return true;
                }
            }
            return false;
        }
        return lease.compareAndSet(handle, handle | RELEASED);
    }

    /** Application: asks the worker to finish the output once the ring is empty. */
    public void requestFinish() {
        outputEnd = FINISH;
    }

    /** Room in the outbound ring for a record of {@code length} bytes even when it must wrap. */
    public boolean outboundHasRoom(int length) {
        return outboundRing.freeBytes() >= recordBytes(length) * 2;
    }

    /** Room in the outbound ring for a whole message of {@code length} bytes, written in parts. */
    public boolean outboundTakes(int length) {
        return outboundRing.freeBytes() >= outboundBytes(length, outboundRing.capacity());
    }

    /**
     * Application, holding the send lock, at the start of a message of {@code length} bytes: true when the outbound
     * ring takes it whole now, in one part if the full-size ring would, having grown the ring if it was empty and too
     * small. False when it does not: then {@link #outboundGrowing} says whether waiting for the ring to empty lets it
     * grow. One part, because the worker may hand a message's first part to the engine before the next is written,
     * and then it goes out in a packet of its own.
     */
    public boolean outboundMakeRoom(int length) {
        if (!outboundRing.readyToWrite()) {
            return false;  // a growth waits for the ring to empty: nothing goes in before it
        }
        outboundRing.noteWrite(length);
        while (!outboundTakes(length) || length > maxPart() && outboundRing.capacity() < outboundRing.maxBytes()) {
            if (outboundRing.capacity() >= outboundRing.maxBytes()) {
                return false;
            }
            outboundRing.shortOfRoom();
            if (!outboundRing.readyToWrite()) {
                return false;  // grows once the worker has emptied it
            }
        }
        return true;
    }

    /** Application: a growth of the outbound ring waits for the worker to empty it. */
    public boolean outboundGrowing() {
        return outboundRing.growPending;
    }

    /** What a writer waits for: the ring empty (to grow it), or room for a record of {@code length} bytes. */
    public boolean outboundWritable(int length) {
        return outboundRing.growPending ? outboundRing.isEmpty() : outboundHasRoom(length);
    }

    /** The longest message the empty outbound ring takes whole, once grown to its full size. */
    public int maxOutboundMessage() {
        int capacity = outboundRing.maxBytes();
        int length = capacity - recordBytes(maxPart(capacity));
        while (outboundBytes(length, capacity) > capacity) {
            length -= RecordDescriptor.HEADER_LENGTH + RecordDescriptor.ALIGNMENT;
        }
        return length;
    }

    /** Ring bytes a message takes at most: its parts with their headers, and the padding of one wrap. */
    private static int outboundBytes(int length, int capacity) {
        int part = maxPart(capacity);
        int parts = Math.max(1, (length + part - 1) / part);
        return length + parts * (RecordDescriptor.HEADER_LENGTH + RecordDescriptor.ALIGNMENT) + recordBytes(part);
    }

    public boolean isOpen() {
        return open;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    public String closeDescription() {
        return closeDescription;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public void reader(Thread t) {
        reader = t;
        VarHandle.fullFence();  // see wakeReader
    }

    public void writer(Thread t) {
        writer = t;
        VarHandle.fullFence();
    }

    public void selector(Thread t) {
        selector = t;
        VarHandle.fullFence();
    }

    /** Largest record the outbound ring takes now: messages are written in parts of at most this many bytes. */
    public int maxPart() {
        return maxPart(outboundRing.capacity());
    }

    /** An eighth of the ring (Agrona's largest record), and at most 16 KiB. */
    private static int maxPart(int capacity) {
        return Math.min(capacity / 8, MAX_PART);
    }

    /** The handle of the connection that holds the slot, released or not; -1 for none. */
    public long handle() {
        long l = lease.get();
        return l == NO_CONNECTION ? NO_CONNECTION : l & ~(RELEASED | ABORTED);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Worker side

    long lease() {
        return lease.get();
    }

    boolean appInside() {
        return inside.get() > 0;
    }

    /** Worker: a new connection takes the slot. Only once no application thread is inside (see the class doc). */
    void reset(long newHandle) {
        outboundRing.reset();
        inboundRing.reset();
        outboundQueued.set(false);
        inboundQueued.set(false);
        inboundBlocked = false;
        outputEnd = OUTPUT_OPEN;
        finishSent = false;
        eofWritten = false;
        endedWritten = false;
        letGo = false;
        open = false;
        closeReason = null;
        closeDescription = null;
        peer = null;
        lease.set(newHandle);  // last: an application thread that sees the new lease sees all of the above
    }

    /** Worker: the slot's connection is gone from the engine; nothing may use the rings until the next reset. */
    void vacate() {
        lease.set(NO_CONNECTION);
    }

    /**
     * Worker: room in the inbound ring for a record of {@code length} bytes even when it must wrap. A ring short of
     * room that may grow takes nothing more until the reader has emptied it; then it doubles.
     */
    boolean inboundRoomFor(int length) {
        if (inboundRing.readyToWrite() && inboundRing.freeBytes() >= 2 * recordBytes(length)) {
            return true;
        }
        inboundRing.shortOfRoom();
        return false;
    }

    /** Worker, before moving {@code length} bytes in: a long run of small deliveries shrinks the ring back. */
    void noteInbound(int length) {
        inboundRing.noteWrite(length);
    }

    /** Worker: the largest record the inbound ring takes now. */
    int inboundMaxRecord() {
        return inboundRing.ring().maxMsgLength();
    }

    /** Worker: the connection ended; every waiting thread wakes and sees why. */
    void closed(CloseReason reason, String description) {
        closeDescription = description;
        closeReason = reason;
        open = false;
        wakeAll();
    }

    /**
     * Wakes the reader and the selector. The fence orders the worker's ring writes before its reads of the waiting
     * threads, as {@link #reader(Thread)}'s fence orders a waiter's registration before its look at the ring:
     * without both (a store then a load on each side), each could miss the other.
     */
    void wakeReader() {
        VarHandle.fullFence();
        unpark(reader);
        unpark(selector);
    }

    void wakeWriter() {
        VarHandle.fullFence();
        unpark(writer);
        unpark(selector);
    }

    /** Wakes every thread waiting on the connection, so each looks again (after a close, say). */
    public void wakeAll() {
        VarHandle.fullFence();
        unpark(reader);
        unpark(writer);
        unpark(selector);
    }

    private static void unpark(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    static int recordBytes(int length) {
        return BitUtil.align(length + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
    }

    @Override
    public String toString() {
        return "ConnectionChannel[slot " + slot + ", lease " + Long.toHexString(lease.get()) + "]";
    }
}
