package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A datagram as a test engine received it. */
record Arrival(long atNanos, InetSocketAddress from, byte[] bytes) {

    static Arrival of(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        return new Arrival(nowNanos, from, bytes);
    }

    /** The number {@link PingEngine} wrote in the first eight bytes. */
    long sequence() {
        return ByteBuffer.wrap(bytes).getLong(0);
    }
}
