package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.github.udptunnel.engine.DatagramEngine;

/** Sends every datagram straight back to where it came from, and remembers each one. */
final class EchoEngine implements DatagramEngine {

    private record Reply(InetSocketAddress to, byte[] bytes) {
    }

    final List<Arrival> arrivals = new ArrayList<>();
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();

    @Override
    public void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
        Arrival arrival = Arrival.of(nowNanos, from, datagram);
        arrivals.add(arrival);
        replies.add(new Reply(from, arrival.bytes()));
    }

    @Override
    public InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out) {
        Reply reply = replies.poll();
        if (reply == null) {
            return null;
        }
        int start = out.position();
        out.put(reply.bytes()).limit(out.position()).position(start);
        return reply.to();
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }

    @Override
    public void handleTimeout(long nowNanos) {
    }
}
