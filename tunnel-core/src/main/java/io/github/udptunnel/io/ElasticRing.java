package io.github.udptunnel.io;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One direction of a connection's hand-off: an Agrona one-to-one ring buffer that starts at {@link #MIN_BYTES} and is
 * replaced by one twice as large (up to the configured size) when it was short of room, and by a smallest one again
 * after a long run of small writes into an empty ring, or when a new connection takes the slot.
 *
 * <p>Why a swap is safe: only the producer swaps (one thread at a time: the worker for inbound, the application
 * thread holding the send lock for outbound), and only when the ring is empty, that is when the consumer has read
 * every record and moved its head past them. The consumer reads {@link #ring()} afresh for every access, so it sees
 * the old ring empty until it sees the new one; the producer never writes to the old ring again, which is then garbage.
 * The records of the two rings cannot interleave, so the order of the stream holds.
 *
 * <p>A producer short of room that may grow stops writing until the ring is empty ({@link #growPending}), or the
 * consumer, which refills as soon as there is room, would keep it from ever being empty.
 */
final class ElasticRing {

    /**
     * The size every ring starts at: what a connection that exchanges small messages keeps. Its largest record is an
     * eighth of it, 64 bytes; a larger message goes in parts until the ring has grown.
     */
    static final int MIN_BYTES = 512;
    /** Writes in a row into an empty ring, each small enough for the smallest ring, before it shrinks back. */
    static final int SMALL_WRITES_BEFORE_SHRINK = 64;

    private final int minBytes;
    private final int maxBytes;
    /** The smallest ring, kept for good: shrinking and resetting come back to it and allocate nothing. */
    private final OneToOneRingBuffer home;
    private volatile OneToOneRingBuffer ring;

    // Producer only.
    /** The ring was short of room and may grow: the producer waits for it to be empty, then doubles it. */
    boolean growPending;
    private int smallWrites;

    ElasticRing(int maxBytes) {
        this(maxBytes, ByteBuffer.allocateDirect(homeBytes(maxBytes)), 0);
    }

    /**
     * A ring whose smallest size lives in {@code slab} at {@code offset} ({@link #homeBytes} long), so that a
     * connection's two rings take one allocation. Coming back to it after a larger ring is safe: it was left empty,
     * nothing has written to it since, and its positions go on from where they were.
     */
    ElasticRing(int maxBytes, ByteBuffer slab, int offset) {
        this.maxBytes = maxBytes;
        this.minBytes = Math.min(MIN_BYTES, maxBytes);
        this.home = new OneToOneRingBuffer(new UnsafeBuffer(slab, offset, homeBytes(maxBytes)));
        this.ring = home;
    }

    /** Bytes of the smallest ring with its trailer. */
    static int homeBytes(int maxBytes) {
        return Math.min(MIN_BYTES, maxBytes) + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /**
     * Off the heap, as Agrona's ring buffers want (a byte[] is only 8-byte aligned by luck); malloc's 16-byte alignment
     * is enough, since the trailer keeps the head and the tail 128 bytes apart: not aligning to a cache line saves a
     * line and a second buffer object per ring.
     */
    private static OneToOneRingBuffer allocate(int bytes) {
        return new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
            bytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The ring now; the consumer calls this for every access, never keeping the ring across them. */
    OneToOneRingBuffer ring() {
        return ring;
    }

    int capacity() {
        return ring.capacity();
    }

    int maxBytes() {
        return maxBytes;
    }

    /** Bytes the ring takes, with its trailer: what it costs off the heap. */
    int footprint() {
        return ring.capacity() + RingBufferDescriptor.TRAILER_LENGTH;
    }

    boolean isEmpty() {
        OneToOneRingBuffer r = ring;
        return r.producerPosition() == r.consumerPosition();
    }

    int freeBytes() {
        OneToOneRingBuffer r = ring;
        return r.capacity() - (int) (r.producerPosition() - r.consumerPosition());
    }

    /** Producer: the ring had no room for a write. If it can grow, it will once empty. */
    void shortOfRoom() {
        smallWrites = 0;
        if (ring.capacity() < maxBytes) {
            growPending = true;
        }
    }

    /**
     * Producer, before a write: when a growth is pending and the ring is empty, doubles it. False while a growth
     * waits for the consumer to empty the ring (the producer must not write then).
     */
    boolean readyToWrite() {
        if (!growPending) {
            return true;
        }
        if (!isEmpty()) {
            return false;
        }
        growPending = false;
        ring = allocate(Math.min(maxBytes, ring.capacity() * 2));
        return true;
    }

    /**
     * Producer, at the start of a write of {@code length} bytes: after {@link #SMALL_WRITES_BEFORE_SHRINK} writes in
     * a row that found the ring empty and would have fit the smallest ring, the ring goes back to that size.
     */
    void noteWrite(int length) {
        OneToOneRingBuffer r = ring;
        if (r == home || growPending) {
            return;
        }
        if (length > minBytes / 8 || r.producerPosition() != r.consumerPosition()) {
            smallWrites = 0;
            return;
        }
        if (++smallWrites >= SMALL_WRITES_BEFORE_SHRINK) {
            smallWrites = 0;
            ring = home;
        }
    }

    /**
     * A new connection takes the slot (no application thread is inside, so the worker acts for both sides): empty,
     * and back to the smallest size.
     */
    void reset() {
        growPending = false;
        smallWrites = 0;
        OneToOneRingBuffer r = ring;
        if (r != home) {
            ring = home;  // empty since it was left
            return;
        }
        while (r.producerPosition() != r.consumerPosition()) {
            r.read((type, buffer, index, length) -> { });  // a read that only steps over padding reads nothing
        }
    }
}
