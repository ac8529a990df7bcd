package io.github.udptunnel.engine;

/**
 * A Reno-style window (slow start, one packet more per round trip, halved on every loss, back to the minimum on a
 * timeout): the yardstick the benchmarks compare Vegas against.
 */
final class Reno implements CongestionControl {

    private final int maxWindow;
    private int window = Vegas.INITIAL_WINDOW;
    private int slowStartThreshold = Integer.MAX_VALUE;
    private int ackedInRound;

    Reno(int maxWindow) {
        this.maxWindow = maxWindow;
    }

    @Override
    public int window() {
        return window;
    }

    @Override
    public boolean inSlowStart() {
        return window < slowStartThreshold;
    }

    @Override
    public void onAck(long nowNanos, int acked, long delivered, long nextSeq, long rttNanos, long baseRttNanos) {
        if (inSlowStart()) {
            window = Math.min(maxWindow, window + acked);
            return;
        }
        ackedInRound += acked;
        if (ackedInRound >= window) {
            ackedInRound -= window;
            window = Math.min(maxWindow, window + 1);
        }
    }

    @Override
    public boolean onLoss(long nowNanos) {
        window = Math.max(Vegas.MIN_WINDOW, window / 2);
        slowStartThreshold = window;
        return true;
    }

    @Override
    public void onTimeout(long nowNanos) {
        slowStartThreshold = Math.max(Vegas.MIN_WINDOW, window / 2);
        window = Vegas.MIN_WINDOW;
    }
}
