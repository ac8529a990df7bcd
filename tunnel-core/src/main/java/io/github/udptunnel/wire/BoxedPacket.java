package io.github.udptunnel.wire;

/**
 * What INIT and DATA share: the client's connection key C', an 8-byte nonce counter and a box holding a
 * {@link Message}, at offsets each type fixes.
 */
public abstract class BoxedPacket extends PacketView {

    private final int counterOffset;
    private final int boxOffset;

    BoxedPacket(PacketType type, int counterOffset, int boxOffset) {
        super(type);
        this.counterOffset = counterOffset;
        this.boxOffset = boxOffset;
    }

    /** Buffer index of C'. */
    public final int clientKeyIndex() {
        return offset + Packet.HEADER_SIZE;
    }

    /** The nonce counter, unsigned. */
    public final long counter() {
        return LittleEndian.getU64(buffer, offset + counterOffset);
    }

    /** Buffer index of the box (tag first). */
    public final int boxIndex() {
        return offset + boxOffset;
    }

    /** Bytes of box: the tag and the sealed message. */
    public final int boxLength() {
        return length - boxOffset;
    }
}
