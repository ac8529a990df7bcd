package io.github.udptunnel.io;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.github.udptunnel.engine.CloseReason;

/**
 * What an application thread and the worker share for one connection slot: a ring buffer each way, the state the
 * worker publishes, and the threads waiting. Made once per slot at start-up and reused by every connection that
 * takes the slot, so the worker allocates nothing per connection.
 *
 * <p>Outbound records (application to worker) are message parts: {@link #PART} continues the current message,
 * {@link #END} ends it; {@link #FIN} and {@link #CLOSE} follow the data they come after. Inbound records (worker
 * to application) are parts, plus {@link #EOF} when the peer has finished. One application thread at a time
 * sends, and one receives (the API serializes them).
 */
public final class ConnectionChannel {

    /** A part of a message; more follows. */
    public static final int PART = 1;
    /** The last part of a message. */
    public static final int END = 2;
    /** Inbound: the peer finished; nothing follows. */
    public static final int EOF = 3;
    /** Outbound: finish (half-close) after everything before it. */
    public static final int FIN = 4;
    /** Outbound: the application is done with the connection, after everything before it. */
    public static final int CLOSE = 5;

    final int slot;
    public final OneToOneRingBuffer outbound;
    public final OneToOneRingBuffer inbound;
    /** Queued for the worker, so a burst of writes wakes it once. */
    final AtomicBoolean outboundQueued = new AtomicBoolean();
    final AtomicBoolean inboundQueued = new AtomicBoolean();
    /** The worker could not deliver everything: the inbound ring was full. */
    volatile boolean inboundBlocked;

    /** The engine's handle of the connection in this slot; -1 when none. */
    volatile long handle = -1;
    volatile boolean open;
    volatile boolean peerFinished;
    volatile CloseReason closeReason;
    volatile String closeDescription;
    volatile String serverFingerprint;
    volatile java.net.InetSocketAddress peer;

    public volatile Thread reader;
    public volatile Thread writer;
    /** A thread in TunnelSelector.select waiting on this connection among others. */
    public volatile Thread selector;

    ConnectionChannel(int slot, int ringBytes) {
        this.slot = slot;
        this.outbound = new OneToOneRingBuffer(ringBuffer(ringBytes));
        this.inbound = new OneToOneRingBuffer(ringBuffer(ringBytes));
    }

    /** Off-heap and cache-line aligned, as Agrona's ring buffers want (a byte[] is only 8-byte aligned by luck). */
    private static UnsafeBuffer ringBuffer(int ringBytes) {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(ringBytes + RingBufferDescriptor.TRAILER_LENGTH,
            BitUtil.CACHE_LINE_LENGTH));
    }

    /** Worker: a new connection takes the slot. */
    void reset(long newHandle) {
        drain(outbound);
        drain(inbound);
        inboundBlocked = false;
        peerFinished = false;
        closeReason = null;
        closeDescription = null;
        serverFingerprint = null;
        peer = null;
        open = false;
        handle = newHandle;
    }

    private static void drain(OneToOneRingBuffer ring) {
        while (ring.read((type, buffer, index, length) -> { }) > 0) {
            // emptied
        }
    }

    /** Worker: the connection ended; every waiting thread wakes and sees why. */
    void closed(CloseReason reason, String description) {
        closeDescription = description;
        closeReason = reason;
        open = false;
        wakeAll();
    }

    void wakeReader() {
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
        Thread s = selector;
        if (s != null) {
            LockSupport.unpark(s);
        }
    }

    void wakeWriter() {
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void wakeAll() {
        wakeReader();
        wakeWriter();
    }

    public long handle() {
        return handle;
    }

    public boolean isOpen() {
        return open;
    }

    public boolean isPeerFinished() {
        return peerFinished;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    public String closeDescription() {
        return closeDescription;
    }

    public String serverFingerprint() {
        return serverFingerprint;
    }

    public java.net.InetSocketAddress peer() {
        return peer;
    }

    /** Largest record a ring takes: messages are written in parts of at most this many bytes. */
    public int maxPart() {
        return Math.min(outbound.maxMsgLength(), 16 * 1024);
    }
}
