package io.github.udptunnel.engine;

/**
 * Round-trip time and the retransmission timeout as RFC 6298 computes them (SRTT, RTTVAR, RTO = SRTT + 4 RTTVAR,
 * with Linux's floor under the variation term, see {@link #rto}), plus the smallest sample ever seen, which the
 * congestion controls take as the path's base RTT. All times in nanos.
 */
final class RttEstimator {

    private final long initialRto;
    private final long minRto;
    private final long maxRto;

    private long smoothed;
    private long variation;
    private long latest;
    private long minimum = Long.MAX_VALUE;
    private boolean hasSample;
    private int backoff;

    RttEstimator(long initialRtoNanos, long minRtoNanos, long maxRtoNanos) {
        this.initialRto = initialRtoNanos;
        this.minRto = minRtoNanos;
        this.maxRto = maxRtoNanos;
    }

    void reset() {
        smoothed = 0;
        variation = 0;
        latest = 0;
        minimum = Long.MAX_VALUE;
        hasSample = false;
        backoff = 0;
    }

    void sample(long rttNanos) {
        if (rttNanos <= 0) {
            rttNanos = 1;
        }
        latest = rttNanos;
        minimum = Math.min(minimum, rttNanos);
        if (!hasSample) {
            smoothed = rttNanos;
            variation = rttNanos / 2;
            hasSample = true;
        } else {
            variation = (3 * variation + Math.abs(smoothed - rttNanos)) / 4;
            smoothed = (7 * smoothed + rttNanos) / 8;
        }
        backoff = 0;
    }

    /**
     * The retransmission timeout, doubled for every back-off since the last sample: the smoothed RTT plus four
     * variations, and at least {@code minRto} more than the smoothed RTT (Linux's floor, not RFC 6298's). On a
     * steady path the variation falls to nearly nothing and the timeout to the RTT itself, while a window's acks come
     * in a burst a round trip apart: a 15 ms delay of the acks on a 200 ms path fired the timer, spuriously.
     */
    long rto() {
        long base = hasSample ? smoothed + Math.max(minRto, 4 * variation) : initialRto;
        return Math.min(maxRto, base << Math.min(backoff, 20));
    }

    void backOff() {
        if (backoff < 20) {
            backoff++;
        }
    }

    boolean hasSample() {
        return hasSample;
    }

    /** Smoothed RTT, or the initial RTO before any sample. */
    long smoothed() {
        return hasSample ? smoothed : initialRto;
    }

    long latest() {
        return latest;
    }

    /** The smallest sample seen: the path's RTT without queueing. */
    long minimum() {
        return minimum;
    }

    long variation() {
        return variation;
    }
}
