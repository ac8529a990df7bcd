package io.github.udptunnel.engine;

/**
 * TCP Vegas as Linux's tcp_vegas.c runs it, in packets: once per round trip it compares the window with what the
 * base RTT says the path holds, {@code diff = cwnd * (rtt - baseRtt) / baseRtt} packets queued in the network,
 * and grows the window by one when fewer than alpha are queued, shrinks it by one when more than beta are, and
 * leaves slow start as soon as more than gamma are.
 *
 * <p>Beyond Linux: the same queue estimate tells random loss from congestion. A loss while fewer than alpha
 * packets are queued cannot come from a full queue, so it is repaired without shrinking the window. Vegas itself
 * holds alpha to beta packets in the queue, so a loss in that band is taken as random too: only a buffer of at
 * most beta packets could overflow there. A loss with more than beta queued is congestion: the window falls to
 * what the path holds with an empty queue (window x baseRTT / RTT), draining the whole estimated queue, which
 * for a full buffer is a cut deeper than Reno's half. docs/CONGESTION.md has the measurements behind the choice.
 */
final class Vegas implements CongestionControl {

    static final int ALPHA = 2;
    static final int BETA = 4;
    static final int GAMMA = 1;
    static final int INITIAL_WINDOW = 10;
    static final int MIN_WINDOW = 2;

    private final int maxWindow;
    private int window = INITIAL_WINDOW;
    private int slowStartThreshold = Integer.MAX_VALUE;
    private long roundEnd;
    private long roundMinRtt = Long.MAX_VALUE;
    private int roundSamples;
    /** The last queue estimate, in packets; what a loss is judged by. */
    private long queued;
    /** The last estimate of the packets the path holds without a queue: window x baseRTT / RTT. */
    private long pathWindow = INITIAL_WINDOW;

    Vegas(int maxWindow) {
        this.maxWindow = maxWindow;
    }

    @Override
    public int window() {
        return window;
    }

    @Override
    public void onAck(long nowNanos, int acked, long delivered, long nextSeq, long rttNanos, long baseRttNanos) {
        if (rttNanos > 0) {
            roundMinRtt = Math.min(roundMinRtt, rttNanos);
            roundSamples++;
        }
        if (Long.compareUnsigned(delivered, roundEnd) > 0) {
            endRound(baseRttNanos, acked);
            roundEnd = nextSeq;
        } else if (inSlowStart()) {
            grow(acked);
        }
    }

    private void endRound(long baseRtt, int acked) {
        if (roundSamples > 2 && baseRtt > 0 && baseRtt != Long.MAX_VALUE) {
            long rtt = roundMinRtt;
            queued = window * (rtt - baseRtt) / baseRtt;
            pathWindow = window * baseRtt / rtt;
            if (inSlowStart() && queued > GAMMA) {
                long target = window * baseRtt / rtt;
                window = (int) Math.max(MIN_WINDOW, Math.min(window, target + 1));
                slowStartThreshold = Math.max(MIN_WINDOW, window - 1);
            } else if (inSlowStart()) {
                grow(acked);
            } else if (queued > BETA) {
                window = Math.max(MIN_WINDOW, window - 1);
                slowStartThreshold = Math.max(MIN_WINDOW, window - 1);
            } else if (queued < ALPHA) {
                window = Math.min(maxWindow, window + 1);
            }
        } else if (inSlowStart()) {
            grow(acked);
        } else {
            // Too few samples to measure (a window of two or three packets): grow as Reno would, one packet a
            // round, as Linux does when cntRTT <= 2. Otherwise a small window could never grow again.
            window = Math.min(maxWindow, window + 1);
        }
        roundSamples = 0;
        roundMinRtt = Long.MAX_VALUE;
    }

    @Override
    public boolean onLoss(long nowNanos) {
        if (queued <= BETA) {
            return false;
        }
        // Down to what the path holds with an empty queue: the whole estimated queue drains, however deep it was.
        window = (int) Math.max(MIN_WINDOW, Math.min(window - 1, pathWindow));
        slowStartThreshold = window;
        return true;
    }

    @Override
    public void onTimeout(long nowNanos) {
        slowStartThreshold = Math.max(MIN_WINDOW, window / 2);
        window = MIN_WINDOW;
    }

    /** The last queue estimate, packets. */
    long queued() {
        return queued;
    }

    @Override
    public boolean inSlowStart() {
        return window < slowStartThreshold;
    }

    private void grow(int acked) {
        window = (int) Math.min(maxWindow, Math.min((long) slowStartThreshold, (long) window + acked));
    }
}
