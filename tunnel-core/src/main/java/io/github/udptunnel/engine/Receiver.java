package io.github.udptunnel.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.github.udptunnel.wire.Message;

/**
 * One connection's receiving half: segments that arrived in order wait for the application in {@code readable};
 * those that arrived early wait in {@code outOfOrder} until the hole before them fills. It also keeps what the next
 * ack must say: the cumulative ack, up to four sack ranges, the timestamp to echo and how long the ack was held.
 */
final class Receiver {

    enum Verdict { ACCEPTED, DUPLICATE, BEYOND_WINDOW, MESSAGE_TOO_LARGE }

    private final SegmentPool pool;
    final SegmentList readable;
    final SegmentList outOfOrder;
    private int limitBytes;
    private int maxMessageBytes;

    /** Every sequence number below it has arrived: the cumulative ack to send. */
    long expected;
    int completeMessages;
    private long partialMessageBytes;
    /** Bytes of the head segment a byte-stream read has already taken. */
    private int headOffset;
    private boolean endedMessage;
    private boolean nextPartEnds;
    boolean finReceived;

    /** Reliable packets received since the last ack was sent. */
    int unacknowledged;
    boolean ackNow;
    long ackDeadline = Long.MAX_VALUE;
    long echoTimestamp;
    long echoArrival;
    /**
     * The packets most recently received out of order, one per run, newest first (-1: none): the runs the next acks
     * report first. An ack can be lost, and a run reported in only one ack would then never reach the sender, which
     * would take its packets for lost and send them again (RFC 2018 repeats the latest blocks for the same reason).
     */
    private final long[] recentOutOfOrder = new long[Message.MAX_SACK_RANGES];
    /** What {@link #writeAck} gathers, newest first: the start and end of the run holding each recent packet. */
    private final long[] recentRunStart = new long[Message.MAX_SACK_RANGES];
    private final long[] recentRunEnd = new long[Message.MAX_SACK_RANGES];
    /** The window last advertised; a read that opens a closed window sends an update. */
    long advertisedWindow;

    Receiver(SegmentPool pool) {
        this.pool = pool;
        this.readable = new SegmentList(pool);
        this.outOfOrder = new SegmentList(pool);
    }

    void reset(int limitBytes, int maxMessageBytes) {
        readable.releaseAll();
        outOfOrder.releaseAll();
        this.limitBytes = limitBytes;
        this.maxMessageBytes = maxMessageBytes;
        expected = 0;
        completeMessages = 0;
        partialMessageBytes = 0;
        headOffset = 0;
        finReceived = false;
        unacknowledged = 0;
        ackNow = false;
        ackDeadline = Long.MAX_VALUE;
        echoTimestamp = 0;
        echoArrival = 0;
        Arrays.fill(recentOutOfOrder, -1);
        advertisedWindow = limitBytes;
    }

    /** Bytes this side can still take: what the next message's window field says. */
    long window() {
        return Math.max(0, limitBytes - readable.bytes - outOfOrder.bytes);
    }

    /** Notes the timestamp of an authentic packet, to echo in the next ack. */
    void noteTimestamp(long timestamp, long now) {
        echoTimestamp = timestamp;
        echoArrival = now;
    }

    /** Takes the data of a RELIABLE message whose data sits at {@code buffer[dataIndex..)}. */
    Verdict onReliable(long now, Message m, ByteBuffer buffer, long maxAckDelay) {
        long seq = m.sequence();
        int len = m.dataLength();
        unacknowledged++;
        if (Long.compareUnsigned(seq, expected) < 0) {
            ackNow = true;  // a retransmission of what we have: the peer missed our ack
            return Verdict.DUPLICATE;
        }
        boolean inOrder = seq == expected;
        if (!inOrder && len > window() || pool.free() == 0) {
            return Verdict.BEYOND_WINDOW;
        }
        int id = pool.allocate();
        pool.sequence[id] = seq;
        pool.length[id] = len;
        pool.flags[id] = m.flags();
        pool.time[id] = now;
        buffer.get(m.dataIndex(), pool.data[id], 0, len);
        if (inOrder) {
            if (!takeInOrder(id)) {
                return Verdict.MESSAGE_TOO_LARGE;
            }
            while (!outOfOrder.isEmpty() && pool.sequence[outOfOrder.head] == expected) {
                if (!takeInOrder(outOfOrder.removeHead())) {
                    return Verdict.MESSAGE_TOO_LARGE;
                }
            }
            if (!outOfOrder.isEmpty()) {
                ackNow = true;  // a hole remains: say so at once
            }
        } else {
            if (!outOfOrder.insertSorted(id)) {
                pool.release(id);
                ackNow = true;
                return Verdict.DUPLICATE;
            }
            noteOutOfOrder(seq);
            ackNow = true;
        }
        if (unacknowledged >= 2 || m.hasFlag(Message.FLAG_PING)) {
            ackNow = true;
        } else if (ackDeadline == Long.MAX_VALUE) {
            ackDeadline = now + maxAckDelay;
        }
        return Verdict.ACCEPTED;
    }

    /**
     * The segment with the next expected sequence number: it becomes readable. A FIN ends the stream after its own
     * data, which is read like any other (the FIN flag is dropped from the segment, so readers never stop at it);
     * a FIN with neither data nor MESSAGE_END leaves nothing to read.
     */
    private boolean takeInOrder(int id) {
        expected++;
        int flags = pool.flags[id];
        if ((flags & Message.FLAG_FIN) != 0) {
            finReceived = true;
            flags &= ~Message.FLAG_FIN;
            pool.flags[id] = flags;
            if (pool.length[id] == 0 && (flags & Message.FLAG_MESSAGE_END) == 0) {
                pool.release(id);
                return true;
            }
        }
        readable.append(id);
        partialMessageBytes += pool.length[id];
        if (partialMessageBytes > maxMessageBytes) {
            return false;
        }
        if ((flags & Message.FLAG_MESSAGE_END) != 0) {
            completeMessages++;
            partialMessageBytes = 0;
        }
        return true;
    }

    /** Length of the next complete message (less what a byte-stream read took of it), or -1 when none is whole. */
    int nextMessageLength() {
        if (completeMessages == 0) {
            return -1;
        }
        int total = -headOffset;
        for (int id = readable.head; id != SegmentPool.NONE; id = pool.next[id]) {
            total += pool.length[id];
            if ((pool.flags[id] & Message.FLAG_MESSAGE_END) != 0) {
                return total;
            }
        }
        return -1;
    }

    /** Copies the next complete message to {@code dst} (which has room, see {@link #nextMessageLength}). */
    int read(byte[] dst, int off) {
        int total = 0;
        while (true) {
            int id = readable.removeHead();
            int len = pool.length[id] - headOffset;
            System.arraycopy(pool.data[id], headOffset, dst, off + total, len);
            headOffset = 0;
            total += len;
            boolean end = (pool.flags[id] & Message.FLAG_MESSAGE_END) != 0;
            pool.release(id);
            if (end) {
                completeMessages--;
                return total;
            }
        }
    }

    /** In-order bytes the application can read as a stream, across message boundaries. */
    long availableBytes() {
        return readable.bytes - headOffset;
    }

    /**
     * The byte-stream view: copies up to {@code len} in-order bytes, from messages not yet whole too; returns how
     * many (0 when none are there). With {@code stopAtMessageEnd} it stops after the last byte of a message, and
     * {@link #endedMessage} tells whether it did (an empty message is a read of 0 bytes that ended one).
     */
    int readBytes(byte[] dst, int off, int len, boolean stopAtMessageEnd) {
        return readBytes(dst, null, off, len, stopAtMessageEnd);
    }

    /** {@link #readBytes(byte[], int, int, boolean)} into {@code dst} at the absolute {@code index}. */
    int readBytes(ByteBuffer dst, int index, int len, boolean stopAtMessageEnd) {
        return readBytes(null, dst, index, len, stopAtMessageEnd);
    }

    /** Into {@code array} or else {@code buffer}: one loop for both. */
    private int readBytes(byte[] array, ByteBuffer buffer, int off, int len, boolean stopAtMessageEnd) {
        int copied = 0;
        endedMessage = false;
        while (!readable.isEmpty()) {
            int id = readable.head;
            int n = Math.min(len - copied, pool.length[id] - headOffset);
            if (array != null) {
                System.arraycopy(pool.data[id], headOffset, array, off + copied, n);
            } else {
                buffer.put(off + copied, pool.data[id], headOffset, n);
            }
            copied += n;
            headOffset += n;
            if (headOffset < pool.length[id]) {
                break;  // dst is full
            }
            boolean end = (pool.flags[id] & Message.FLAG_MESSAGE_END) != 0;
            if (end) {
                completeMessages--;
            }
            headOffset = 0;
            pool.release(readable.removeHead());
            if (end && stopAtMessageEnd) {
                endedMessage = true;
                break;
            }
            if (copied == len) {
                break;
            }
        }
        return copied;
    }

    /**
     * Bytes a {@link #readBytes} of up to {@code len} stopping at a message's end would copy now, without copying;
     * {@link #nextPartEnds} then says whether that part ends a message. Lets a shell size a record before it reads.
     */
    int nextPart(int len) {
        int total = 0;
        int skip = headOffset;
        nextPartEnds = false;
        for (int id = readable.head; id != SegmentPool.NONE; id = pool.next[id]) {
            int n = pool.length[id] - skip;
            skip = 0;
            if (total + n > len) {
                return len;
            }
            total += n;
            if ((pool.flags[id] & Message.FLAG_MESSAGE_END) != 0) {
                nextPartEnds = true;
                return total;
            }
            if (total == len) {
                return total;
            }
        }
        return total;
    }

    boolean nextPartEnds() {
        return nextPartEnds;
    }

    /** Whether the last {@link #readBytes} with {@code stopAtMessageEnd} read the end of a message. */
    boolean endedMessage() {
        return endedMessage;
    }

    /** The peer's FIN has arrived and everything before it, the FIN's own data included, has been read. */
    boolean atEndOfStream() {
        return finReceived && readable.isEmpty();
    }

    /** Whether an ack is owed now (or by the deadline). */
    boolean ackDue(long now) {
        return ackNow || ackDeadline <= now;
    }

    /** Writes the ack fields and the sack ranges into a message being built; returns the sack count. */
    int writeAck(Message m, long now) {
        m.ack(expected).window(window()).echo(echoTimestamp)
            .ackDelay(echoTimestamp == 0 ? 0 : Math.min(0xffff_ffffL, (now - echoArrival) / 1000));
        advertisedWindow = window();
        int count = recentRuns();
        for (int i = 0; i < count; i++) {
            m.sackRange(i, recentRunStart[i] - expected, recentRunEnd[i] - recentRunStart[i]);
        }
        // Room left: the lowest runs, those holding the cumulative ack back.
        int recent = count;
        int id = outOfOrder.head;
        while (id != SegmentPool.NONE && count < Message.MAX_SACK_RANGES) {
            long start = pool.sequence[id];
            int last = runEnd(id);
            if (!isRecentRun(start, recent)) {
                m.sackRange(count++, start - expected, pool.sequence[last] + 1 - start);
            }
            id = pool.next[last];
        }
        m.sackCount(count);
        return count;
    }

    /** A packet received out of order: its run becomes the newest (a packet extending the newest run replaces it). */
    private void noteOutOfOrder(long seq) {
        if (recentOutOfOrder[0] >= 0 && seq == recentOutOfOrder[0] + 1) {
            recentOutOfOrder[0] = seq;
            return;
        }
        System.arraycopy(recentOutOfOrder, 0, recentOutOfOrder, 1, recentOutOfOrder.length - 1);
        recentOutOfOrder[0] = seq;
    }

    /**
     * Puts in {@code recentRun*} the runs that hold the recent out-of-order packets still above the cumulative ack,
     * newest first and each once; returns how many. One pass over the early segments: each run takes the rank of the
     * newest recent packet in it, and a rank belongs to one run at most.
     */
    private int recentRuns() {
        Arrays.fill(recentRunStart, -1);
        int id = outOfOrder.head;
        while (id != SegmentPool.NONE) {
            int last = runEnd(id);
            long start = pool.sequence[id];
            long end = pool.sequence[last] + 1;
            for (int rank = 0; rank < recentOutOfOrder.length; rank++) {
                long seq = recentOutOfOrder[rank];
                if (seq >= 0 && Long.compareUnsigned(seq, start) >= 0 && Long.compareUnsigned(seq, end) < 0) {
                    recentRunStart[rank] = start;
                    recentRunEnd[rank] = end;
                    break;
                }
            }
            id = pool.next[last];
        }
        int found = 0;
        for (int rank = 0; rank < recentRunStart.length; rank++) {
            if (recentRunStart[rank] >= 0) {
                recentRunStart[found] = recentRunStart[rank];
                recentRunEnd[found] = recentRunEnd[rank];
                found++;
            }
        }
        return found;
    }

    /** Whether {@code seq} lies in one of the first {@code count} recent runs. */
    private boolean isRecentRun(long seq, int count) {
        for (int i = 0; i < count; i++) {
            if (Long.compareUnsigned(seq, recentRunStart[i]) >= 0 && Long.compareUnsigned(seq, recentRunEnd[i]) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The last segment of the run of consecutive sequence numbers that starts at {@code id}. */
    private int runEnd(int id) {
        int last = id;
        int n = pool.next[id];
        while (n != SegmentPool.NONE && pool.sequence[n] == pool.sequence[last] + 1) {
            last = n;
            n = pool.next[n];
        }
        return last;
    }

    void acked() {
        unacknowledged = 0;
        ackNow = false;
        ackDeadline = Long.MAX_VALUE;
    }

    void releaseAll() {
        readable.releaseAll();
        outOfOrder.releaseAll();
    }
}
