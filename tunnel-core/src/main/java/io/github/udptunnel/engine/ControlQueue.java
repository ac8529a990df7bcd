package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.github.udptunnel.wire.Packet;

/**
 * The server's stateless answers (COOKIE, "server full") waiting to be sent, in a fixed ring of packet buffers.
 * Connection traffic is sent before them, so handshake floods never delay live connections.
 */
final class ControlQueue {

    private final ByteBuffer[] packets;
    private final int[] lengths;
    private final InetSocketAddress[] destinations;
    private int head;
    private int size;

    ControlQueue(int capacity) {
        packets = new ByteBuffer[capacity];
        lengths = new int[capacity];
        destinations = new InetSocketAddress[capacity];
        for (int i = 0; i < capacity; i++) {
            packets[i] = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        }
    }

    boolean isFull() {
        return size == packets.length;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The buffer for the next answer, to be written from index 0 and then {@link #commit}ted. */
    ByteBuffer reserve(InetSocketAddress to) {
        int at = (head + size) % packets.length;
        destinations[at] = to;
        return packets[at];
    }

    void commit(int length) {
        lengths[(head + size) % packets.length] = length;
        size++;
    }

    /** Copies the oldest answer into {@code out} (from its position) and returns its destination. */
    InetSocketAddress take(ByteBuffer out) {
        int at = head;
        out.put(out.position(), packets[at], 0, lengths[at]);
        out.limit(out.position() + lengths[at]);
        InetSocketAddress to = destinations[at];
        destinations[at] = null;
        head = (head + 1) % packets.length;
        size--;
        return to;
    }
}
