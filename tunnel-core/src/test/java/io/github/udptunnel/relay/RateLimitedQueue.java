package io.github.udptunnel.relay;

/**
 * A bottleneck: a transmitter that sends {@code bytesPerSecond} and a drop-tail buffer of {@code limitBytes}
 * in front of it. Pure logic on the times it is given, so the same arrivals always get the same decisions; the
 * relay feeds it {@link System#nanoTime()}, tests feed it numbers. Synchronized, so that two relays (two threads)
 * can share one bottleneck, as two paths crossing one router do.
 *
 * <p>The backlog is what the transmitter still has to send, counted as a fluid: {@code (freeAt - now) x rate}, the
 * datagram being serialized included. A datagram that would take the backlog past the limit is dropped whole.
 */
public final class RateLimitedQueue {

    /** What {@link #offer} returns for a dropped datagram. */
    public static final long DROPPED = Long.MIN_VALUE;

    private final long bytesPerSecond;
    private final long limitBytes;
    private long freeAtNanos;
    private boolean started;
    private long maxBacklogBytes;
    private long dropped;
    private long droppedBytes;

    public RateLimitedQueue(long bytesPerSecond, long limitBytes) {
        if (bytesPerSecond <= 0 || limitBytes <= 0) {
            throw new IllegalArgumentException("rate and limit must be positive: " + bytesPerSecond + " B/s, "
                + limitBytes + " B");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.limitBytes = limitBytes;
    }

    /** Offers {@code bytes} arriving at {@code nowNanos}: when it has left the transmitter, or {@link #DROPPED}. */
    public synchronized long offer(long nowNanos, int bytes) {
        if (!started || freeAtNanos - nowNanos < 0) {
            freeAtNanos = nowNanos;  // idle: nothing waits
            started = true;
        }
        long backlog = backlogBytes(nowNanos);
        if (backlog + bytes > limitBytes) {
            dropped++;
            droppedBytes += bytes;
            return DROPPED;
        }
        freeAtNanos += (bytes * 1_000_000_000L + bytesPerSecond - 1) / bytesPerSecond;
        maxBacklogBytes = Math.max(maxBacklogBytes, backlog + bytes);
        return freeAtNanos;
    }

    /** Bytes still to send at {@code nowNanos}, rounded up. */
    public synchronized long backlogBytes(long nowNanos) {
        long waiting = freeAtNanos - nowNanos;
        return waiting <= 0 ? 0 : (waiting * bytesPerSecond + 999_999_999L) / 1_000_000_000L;
    }

    /** The largest backlog any accepted datagram made; never above the limit. */
    public synchronized long maxBacklogBytes() {
        return maxBacklogBytes;
    }

    public synchronized long dropped() {
        return dropped;
    }

    public synchronized long droppedBytes() {
        return droppedBytes;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public long limitBytes() {
        return limitBytes;
    }

    @Override
    public synchronized String toString() {
        return "RateLimitedQueue[" + bytesPerSecond + " B/s, limit " + limitBytes + " B, max backlog "
            + maxBacklogBytes + " B, dropped " + dropped + "]";
    }
}
