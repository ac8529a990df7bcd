package io.github.udptunnel.engine;

import io.github.udptunnel.wire.Message;

/**
 * One connection's sending half: application data cut into sequence-numbered segments, what is in flight, what
 * was lost, the congestion window and the retransmission timer. Segments come from the shared pool; the ones in
 * flight are kept in sequence order until the peer's cumulative ack passes them.
 *
 * <p>Loss detection: a segment is lost when three segments after it have arrived (sacked), or when a segment sent
 * after its last transmission arrived more than a quarter RTT later than it was sent (RACK's time rule, which
 * also finds lost retransmissions); and all of them when the retransmission timer fires.
 *
 * <p>Pacing: data leaves at {@link #PACING_GAIN} windows per smoothed RTT (twice the window in slow start), at most
 * {@link #PACING_BURST_NANOS}' worth ahead of that schedule. Packets without data (acks, pings, handshake retries)
 * are not paced.
 */
final class Sender {

    static final int DUPLICATE_THRESHOLD = 3;
    /**
     * The peer's window a sender assumes before the peer's first message (docs/PROTOCOL.md, section 6): every
     * receiver's window starts at least this large. Only a client, sending INITs, is ever in that position.
     */
    static final int INITIAL_PEER_WINDOW = 4096;
    /**
     * Pacing: a window's packets leave spread over the smoothed RTT, at this many times the window per round trip
     * (twice in slow start), as Linux paces TCP (1.2 and 2). Without it a window leaves in bursts as acks arrive, and
     * through a shared bottleneck each flow samples the queue only where its own bursts land.
     */
    static final double PACING_GAIN = 1.25;
    static final double PACING_GAIN_SLOW_START = 2;
    /**
     * How far ahead of its paced schedule a sender may run: two of the worker's shortest sleeps ({@code select} counts
     * in milliseconds). A worker that sleeps a millisecond, and wakes a little late as it mostly does, still finds the
     * schedule ahead of it and sends what the schedule reached meanwhile, a millisecond's packets (at 100 Mbit/s about
     * 9); with 1 ms the schedule fell behind at every wake and lost that time (docs/CONGESTION.md, "Pacing").
     */
    static final long PACING_BURST_NANOS = 2_000_000L;

    private final SegmentPool pool;
    final SegmentList unsent;
    final SegmentList inFlight;
    final RttEstimator rtt;
    CongestionControl congestion;

    private int bufferLimit;
    /** The sequence number the next queued segment gets. */
    long nextSequence;
    /** One past the highest sequence number ever sent: what "everything in flight now" reaches up to. */
    long sentUpTo;
    long peerCumulative;
    long peerWindow;
    /** Segments in flight, neither sacked nor marked lost (RFC 6675's pipe). */
    int pipe;
    /** Data bytes in flight and not yet sacked: what the peer's window must hold. */
    long unsackedBytes;
    int lostWaiting;
    boolean finQueued;
    boolean finSent;
    long finSequence = -1;
    boolean finAcked;
    long highestDelivered = -1;
    private long recoveryEnd;
    private boolean inRecovery;
    long rtoDeadline = Long.MAX_VALUE;
    /** Where the paced schedule has got to: the time by which what was sent so far would have left, evenly spaced. */
    long pacedUntil = Long.MIN_VALUE;

    Sender(SegmentPool pool, RttEstimator rtt) {
        this.pool = pool;
        this.unsent = new SegmentList(pool);
        this.inFlight = new SegmentList(pool);
        this.rtt = rtt;
    }

    void reset(CongestionControl congestion, int bufferLimit) {
        unsent.releaseAll();
        inFlight.releaseAll();
        this.congestion = congestion;
        this.bufferLimit = bufferLimit;
        nextSequence = 0;
        sentUpTo = 0;
        peerCumulative = 0;
        peerWindow = INITIAL_PEER_WINDOW;
        pipe = 0;
        unsackedBytes = 0;
        lostWaiting = 0;
        finQueued = false;
        finSent = false;
        finSequence = -1;
        finAcked = false;
        highestDelivered = -1;
        recoveryEnd = 0;
        inRecovery = false;
        rtoDeadline = Long.MAX_VALUE;
        pacedUntil = Long.MIN_VALUE;
    }

    /** Bytes the application may still queue. */
    long room() {
        return bufferLimit - unsent.bytes - inFlight.bytes;
    }

    /**
     * Queues {@code len} bytes of the current application message, cut into segments of at most {@code maxData}
     * bytes; {@code end} closes the message. Bytes go first into the last queued segment while it is unsent and its
     * message open, so a message written in small parts still fills its packets. Returns false, queuing nothing,
     * when the send buffer or the pool has no room for all of it.
     */
    boolean append(byte[] src, int off, int len, int maxData, boolean end) {
        if (finQueued || len > room()) {
            return false;
        }
        int tail = unsent.tail;
        boolean open = tail != SegmentPool.NONE
            && (pool.flags[tail] & (Message.FLAG_MESSAGE_END | Message.FLAG_FIN)) == 0;
        int fill = open ? Math.min(len, maxData - pool.length[tail]) : 0;
        int rest = len - fill;
        int segments = (rest + maxData - 1) / maxData;
        if (segments == 0 && !open) {
            segments = 1;  // an empty message still takes a sequence number
        }
        if (segments > pool.free()) {
            return false;
        }
        if (fill > 0) {
            System.arraycopy(src, off, pool.data[tail], pool.length[tail], fill);
            pool.length[tail] += fill;
            unsent.bytes += fill;
        }
        int at = fill;
        for (int i = 0; i < segments; i++) {
            int n = Math.min(maxData, len - at);
            int id = pool.allocate();
            System.arraycopy(src, off + at, pool.data[id], 0, n);
            pool.length[id] = n;
            pool.sequence[id] = nextSequence++;
            pool.flags[id] = Message.FLAG_RELIABLE;
            unsent.append(id);
            at += n;
        }
        if (end) {
            pool.flags[unsent.tail] |= Message.FLAG_MESSAGE_END;
        }
        return true;
    }

    /** Queues the FIN after everything already queued; false when the pool is empty (try again later). */
    boolean queueFin() {
        if (finQueued) {
            return true;
        }
        int id = pool.allocate();
        if (id == SegmentPool.NONE) {
            return false;
        }
        pool.sequence[id] = nextSequence++;
        pool.flags[id] = Message.FLAG_RELIABLE | Message.FLAG_FIN;
        finSequence = pool.sequence[id];
        unsent.append(id);
        finQueued = true;
        return true;
    }

    /**
     * The segment to send next, or NONE: a lost segment first (retransmissions are not held back by the peer's
     * window, which already counts them), then a new one if the congestion and the peer's windows allow.
     */
    int next() {
        if (pipe >= congestion.window()) {
            return SegmentPool.NONE;
        }
        if (lostWaiting > 0) {
            for (int id = inFlight.head; id != SegmentPool.NONE; id = pool.next[id]) {
                if (pool.lost[id] && !pool.sacked[id]) {
                    return id;
                }
            }
            lostWaiting = 0;
        }
        int id = unsent.head;
        if (id != SegmentPool.NONE && unsackedBytes + pool.length[id] <= Math.max(peerWindow, 0)) {
            return id;
        }
        // A zero window still lets an empty segment (FIN, empty message) through.
        if (id != SegmentPool.NONE && pool.length[id] == 0) {
            return id;
        }
        return SegmentPool.NONE;
    }

    /** Whether pacing holds data back at {@code now}; {@link #pacedSendAt} says until when. */
    boolean paced(long now) {
        return pacedUntil > now + PACING_BURST_NANOS;
    }

    /** The segment to send at {@code now}, or NONE: {@link #next}'s, once pacing lets it go. */
    int nextPaced(long now) {
        return paced(now) ? SegmentPool.NONE : next();
    }

    long pacedSendAt() {
        return pacedUntil - PACING_BURST_NANOS;
    }

    /** Records that {@code id}, as {@link #next} returned it, was sent at {@code now}. */
    void sent(int id, long now) {
        if (pool.transmissions[id] == 0) {
            unsent.removeHead();
            inFlight.append(id);
            unsackedBytes += pool.length[id];
            sentUpTo = pool.sequence[id] + 1;
            if ((pool.flags[id] & Message.FLAG_FIN) != 0) {
                finSent = true;
            }
        } else {
            pool.lost[id] = false;
            lostWaiting--;
        }
        pool.transmissions[id]++;
        pool.time[id] = now;
        pipe++;
        if (rtoDeadline == Long.MAX_VALUE) {
            rtoDeadline = now + rtt.rto();
        }
        if (rtt.hasSample()) {
            double gain = congestion.inSlowStart() ? PACING_GAIN_SLOW_START : PACING_GAIN;
            long interval = (long) (rtt.smoothed() / (gain * congestion.window()));
            pacedUntil = Math.max(pacedUntil, now) + interval;
        }
    }

    /** Whether anything waits that {@link #next} could send once the windows allow. */
    boolean hasWork() {
        return lostWaiting > 0 || !unsent.isEmpty();
    }

    boolean allAcked() {
        return unsent.isEmpty() && inFlight.isEmpty();
    }

    /** The outcome of one ack, for the connection's counters. */
    static final class AckOutcome {
        int newlyAcked;
        int newlyLost;
        boolean congestive;
        boolean randomLoss;

        void clear() {
            newlyAcked = 0;
            newlyLost = 0;
            congestive = false;
            randomLoss = false;
        }
    }

    /**
     * Applies an ack: releases what the cumulative ack passes, marks sacked ranges, samples the RTT, finds losses
     * and tells the congestion controller.
     */
    void onAck(long now, Message m, long rttSample, AckOutcome out) {
        out.clear();
        long cumulative = m.ack();
        peerWindow = m.window();
        long rackTime = Long.MIN_VALUE;
        if (Long.compareUnsigned(cumulative, sentUpTo) > 0) {
            cumulative = sentUpTo;  // acks for what was never sent mean nothing
        }
        if (Long.compareUnsigned(cumulative, peerCumulative) > 0) {
            peerCumulative = cumulative;
        }
        while (!inFlight.isEmpty() && Long.compareUnsigned(pool.sequence[inFlight.head], peerCumulative) < 0) {
            int id = inFlight.head;
            if (!pool.sacked[id]) {
                rackTime = Math.max(rackTime, pool.time[id]);
                delivered(id, out);
            }
            if ((pool.flags[id] & Message.FLAG_FIN) != 0) {
                finAcked = true;
            }
            inFlight.removeHead();
            pool.release(id);
        }
        int ranges = m.sackCount();
        long base = m.ack();  // ranges count from this message's own cumulative ack, not the newest one seen
        for (int r = 0; r < ranges; r++) {
            long start = base + m.sackStart(r);
            long end = start + m.sackLength(r);
            for (int id = inFlight.head; id != SegmentPool.NONE; id = pool.next[id]) {
                long seq = pool.sequence[id];
                if (Long.compareUnsigned(seq, end) >= 0) {
                    break;
                }
                if (Long.compareUnsigned(seq, start) >= 0 && !pool.sacked[id]) {
                    pool.sacked[id] = true;
                    rackTime = Math.max(rackTime, pool.time[id]);
                    delivered(id, out);
                }
            }
        }
        if (rttSample > 0) {
            rtt.sample(rttSample);
        }
        if (out.newlyAcked > 0) {
            detectLosses(rackTime, out);
            if (out.newlyLost > 0) {
                congestion.onLost(out.newlyLost);
            }
            // Rounds are counted by the highest segment delivered, not by the cumulative ack: one lost segment holds
            // the cumulative ack back for a round trip or more, and a round that does not end does not measure the
            // queue (slow start then ran on for seconds into a full buffer at 5% loss).
            congestion.onAck(now, out.newlyAcked, highestDelivered + 1, sentUpTo,
                rttSample, rtt.hasSample() ? rtt.minimum() : -1);
            rtoDeadline = inFlight.isEmpty() ? Long.MAX_VALUE : now + rtt.rto();
        }
        if (out.newlyLost > 0 && (!inRecovery || Long.compareUnsigned(peerCumulative, recoveryEnd) >= 0)) {
            // One congestion response per window of data: until what was in flight at the loss is acked.
            recoveryEnd = sentUpTo;
            inRecovery = true;
            if (congestion.onLoss(now)) {
                out.congestive = true;
            } else {
                out.randomLoss = true;
            }
        }
    }

    /** The first news that {@code id} arrived, by a sack or the cumulative ack. */
    private void delivered(int id, AckOutcome out) {
        out.newlyAcked++;
        unsackedBytes -= pool.length[id];
        if (pool.lost[id]) {
            pool.lost[id] = false;
            lostWaiting--;
        } else {
            pipe--;
        }
        if (highestDelivered < 0 || Long.compareUnsigned(pool.sequence[id], highestDelivered) > 0) {
            highestDelivered = pool.sequence[id];
        }
    }

    private void detectLosses(long rackTime, AckOutcome out) {
        long reorderWindow = Math.max(rtt.smoothed() / 4, 1_000_000L);
        for (int id = inFlight.head; id != SegmentPool.NONE; id = pool.next[id]) {
            if (pool.sacked[id] || pool.lost[id]) {
                continue;
            }
            long seq = pool.sequence[id];
            if (highestDelivered < 0 || Long.compareUnsigned(seq, highestDelivered) >= 0) {
                break;
            }
            boolean byCount = pool.transmissions[id] == 1 && highestDelivered - seq >= DUPLICATE_THRESHOLD;
            boolean byTime = rackTime != Long.MIN_VALUE && pool.time[id] + reorderWindow < rackTime;
            if (byCount || byTime) {
                markLost(id);
                out.newlyLost++;
            }
        }
    }

    private void markLost(int id) {
        pool.lost[id] = true;
        lostWaiting++;
        pipe--;
    }

    /** The retransmission timer fired: everything in flight and not sacked is lost; returns how many. */
    int onTimeout(long now) {
        int lost = 0;
        for (int id = inFlight.head; id != SegmentPool.NONE; id = pool.next[id]) {
            if (!pool.sacked[id] && !pool.lost[id]) {
                markLost(id);
                lost++;
            }
        }
        rtt.backOff();
        congestion.onTimeout(now);
        recoveryEnd = sentUpTo;
        inRecovery = true;
        rtoDeadline = inFlight.isEmpty() ? Long.MAX_VALUE : now + rtt.rto();
        return lost;
    }

    void releaseAll() {
        unsent.releaseAll();
        inFlight.releaseAll();
    }
}
