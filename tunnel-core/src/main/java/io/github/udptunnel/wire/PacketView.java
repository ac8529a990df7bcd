package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * A flyweight over one received datagram of a known type: {@link #wrap} checks the header and the length and
 * holds the position; the subclasses give the fields as buffer indexes or values. Nothing is copied or allocated,
 * so one view per type is reused for every packet.
 */
public abstract class PacketView {

    private final PacketType type;
    ByteBuffer buffer;
    int offset;
    int length;

    PacketView(PacketType type) {
        this.type = type;
    }

    /** Points this view at a datagram. Returns why it is dropped, or null when it is a well-formed packet of this type. */
    public final DropReason wrap(ByteBuffer buffer, int offset, int length) {
        DropReason reason = Packet.check(buffer, offset, length, type);
        if (reason != null) {
            this.buffer = null;
            return reason;
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return null;
    }

    public final ByteBuffer buffer() {
        return buffer;
    }

    /** The datagram's first byte, as a buffer index. */
    public final int offset() {
        return offset;
    }

    public final int length() {
        return length;
    }
}
