package io.github.udptunnel.sim;

import java.util.ArrayDeque;

/**
 * A bottleneck's transmitter: when it is next free and when each datagram waiting in it finishes serializing. One
 * link has its own; links made to share one ({@link Simulator#shareBottleneck}) contend for the same rate and buffer,
 * as flows from different hosts do at a router.
 */
final class TransmitQueue {

    private long transmitterFreeNanos = Long.MIN_VALUE;
    /** When each datagram still queued finishes serializing, oldest first. */
    private final ArrayDeque<Long> serializedAtNanos = new ArrayDeque<>();

    /**
     * Queues a datagram of {@code bytes} at {@code nowNanos}; returns when it has been serialized, or -1 when the
     * buffer already holds {@code limitPackets} datagrams (drop-tail).
     */
    long enqueue(long nowNanos, int bytes, LinkConditions c) {
        while (!serializedAtNanos.isEmpty() && serializedAtNanos.peekFirst() <= nowNanos) {
            serializedAtNanos.pollFirst();
        }
        if (serializedAtNanos.size() >= c.queueLimitPackets()) {
            return -1;
        }
        long departureNanos = Math.max(nowNanos, transmitterFreeNanos) + c.serializationNanos(bytes);
        transmitterFreeNanos = departureNanos;
        serializedAtNanos.addLast(departureNanos);
        return departureNanos;
    }
}
