package io.github.udptunnel.engine;

import java.util.concurrent.atomic.AtomicLongArray;

import io.github.udptunnel.wire.DropReason;

/**
 * Every counter of one engine. Written by the engine's one thread with release stores (no lock, no allocation),
 * readable from any thread.
 */
public final class EngineStats {

    private static final int DROP_BASE = Counter.values().length;

    private final AtomicLongArray values = new AtomicLongArray(DROP_BASE + DropReason.values().length);

    /**
     * Upper bounds of the RTT histogram's buckets, in nanoseconds (a last bucket takes everything above): fixed, so
     * that recording a sample is a few compares and one store, and Prometheus can add histograms across instances.
     */
    private static final long[] RTT_BOUNDS_NANOS = {
        100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L,
        100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L};
    /** RTT samples by bucket (not cumulative); the last one counts samples above every bound. */
    private final AtomicLongArray rttSamples = new AtomicLongArray(RTT_BOUNDS_NANOS.length + 1);

    private final java.util.concurrent.atomic.AtomicLong openConnections = new java.util.concurrent.atomic.AtomicLong();
    private volatile long maxConnections;
    private final java.util.concurrent.atomic.AtomicLong freeSegments = new java.util.concurrent.atomic.AtomicLong();
    private volatile long totalSegments;
    /** When the server last saw handshake load, in the engine's time base (System.nanoTime on a real endpoint). */
    private volatile long lastLoadNanos;
    private volatile boolean loadEverSeen;

    void capacity(int connections, int segments) {
        maxConnections = connections;
        totalSegments = segments;
        freeSegments.setRelease(segments);
    }

    void gauges(int open, int free) {
        openConnections.setRelease(open);
        freeSegments.setRelease(free);
    }

    /** Gauge: connections open now (handshaking, established or closing). */
    public long openConnections() {
        return openConnections.getAcquire();
    }

    /** Gauge: the connection table's capacity. */
    public long maxConnections() {
        return maxConnections;
    }

    /** Gauge: free packet-sized buffers in the shared pool, out of {@link #totalSegments()}. */
    public long freeSegments() {
        return freeSegments.getAcquire();
    }

    public long totalSegments() {
        return totalSegments;
    }

    void loadSeen(long nowNanos) {
        lastLoadNanos = nowNanos;
        loadEverSeen = true;
    }

    /**
     * Gauge: whether the server is under handshake load at {@code nowNanos} (in the engine's time base:
     * System.nanoTime on a real endpoint), so that per-source handshake limits apply: load was seen within the last
     * second.
     */
    public boolean underLoad(long nowNanos) {
        return loadEverSeen && nowNanos - lastLoadNanos < HandshakeRateLimiter.LOAD_HOLD_NANOS;
    }

    /** One RTT sample (the engine's thread; nothing allocated). */
    void recordRtt(long nanos) {
        int i = 0;
        while (i < RTT_BOUNDS_NANOS.length && nanos > RTT_BOUNDS_NANOS[i]) {
            i++;
        }
        rttSamples.setRelease(i, rttSamples.getPlain(i) + 1);
    }

    /** The RTT histogram's bucket bounds in nanoseconds; {@link #rttSamplesAtMost} takes an index into them. */
    public static long[] rttBucketBoundsNanos() {
        return RTT_BOUNDS_NANOS.clone();
    }

    /**
     * RTT samples of at most the bound at {@code bucket} (cumulative, as a Prometheus histogram's {@code le}
     * buckets); with {@code bucket} = the number of bounds, every sample.
     */
    public long rttSamplesAtMost(int bucket) {
        long total = 0;
        for (int i = 0; i <= bucket; i++) {
            total += rttSamples.getAcquire(i);
        }
        return total;
    }

    void increment(Counter counter) {
        add(counter.ordinal(), 1);
    }

    void add(Counter counter, long delta) {
        add(counter.ordinal(), delta);
    }

    void drop(DropReason reason) {
        add(DROP_BASE + reason.ordinal(), 1);
    }

    public long get(Counter counter) {
        return values.get(counter.ordinal());
    }

    public long dropped(DropReason reason) {
        return values.get(DROP_BASE + reason.ordinal());
    }

    /** Drops of every reason. */
    public long droppedTotal() {
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            total += dropped(reason);
        }
        return total;
    }

    private void add(int index, long delta) {
        values.setRelease(index, values.getPlain(index) + delta);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("EngineStats{open=" + openConnections() + "/" + maxConnections
            + " freeSegments=" + freeSegments() + "/" + totalSegments + " ");
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0) {
                b.append(c.metricName()).append('=').append(v).append(' ');
            }
        }
        for (DropReason r : DropReason.values()) {
            long v = dropped(r);
            if (v != 0) {
                b.append("dropped.").append(r.metricName()).append('=').append(v).append(' ');
            }
        }
        return b.append('}').toString();
    }
}
