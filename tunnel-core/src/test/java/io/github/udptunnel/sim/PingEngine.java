package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.github.udptunnel.engine.DatagramEngine;

/**
 * Sends {@code count} numbered datagrams of {@code sizeBytes} to {@code peer}, the first at {@code firstSendNanos}
 * and then one every {@code intervalNanos} (all at once when the interval is 0), and remembers every reply.
 * Each datagram holds its sequence number in the first eight bytes, then a fixed pattern.
 */
final class PingEngine implements DatagramEngine {

    private static final int SEQUENCE_BYTES = Long.BYTES;

    final List<Arrival> replies = new ArrayList<>();
    final long[] sentAtNanos;

    private final InetSocketAddress peer;
    private final long intervalNanos;
    private final int count;
    private final int sizeBytes;
    private long nextSendNanos;
    private int queued;  // sequence numbers below this are due
    private int written; // and below this have been written to the network

    PingEngine(InetSocketAddress peer, long firstSendNanos, long intervalNanos, int count, int sizeBytes) {
        if (sizeBytes < SEQUENCE_BYTES) {
            throw new IllegalArgumentException("a ping needs " + SEQUENCE_BYTES + " bytes for its number");
        }
        this.peer = peer;
        this.nextSendNanos = firstSendNanos;
        this.intervalNanos = intervalNanos;
        this.count = count;
        this.sizeBytes = sizeBytes;
        this.sentAtNanos = new long[count];
    }

    boolean allSent() {
        return written == count;
    }

    @Override
    public void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
        replies.add(Arrival.of(nowNanos, from, datagram));
    }

    @Override
    public InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out) {
        if (written == queued) {
            return null;
        }
        int start = out.position();
        out.putLong(written);
        for (int i = SEQUENCE_BYTES; i < sizeBytes; i++) {
            out.put((byte) i);
        }
        out.limit(out.position()).position(start);
        sentAtNanos[written++] = nowNanos;
        return peer;
    }

    @Override
    public long nextDeadline() {
        return queued < count ? nextSendNanos : Long.MAX_VALUE;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (nowNanos < nextSendNanos || queued == count) {
            return;
        }
        queued = intervalNanos == 0 ? count : queued + 1;
        nextSendNanos += intervalNanos;
    }
}
