package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * The four plaintext bytes every packet starts with, {@code 0x00 'r' version type}, and the limits common to all
 * packets. Every check here reads only bytes it has proved are there: any bytes in, no exception out.
 */
public final class Packet {

    public static final int MAGIC_0 = 0x00;
    public static final int MAGIC_1 = 'r';
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 4;

    /** The largest datagram either side sends or accepts: safe on any IPv6 path (1280 minus 48 of headers). */
    public static final int MAX_DATAGRAM_SIZE = 1232;

    private Packet() {
    }

    /** Writes the header of {@code type} at {@code offset}. */
    public static void writeHeader(ByteBuffer buffer, int offset, PacketType type) {
        buffer.put(offset, (byte) MAGIC_0);
        buffer.put(offset + 1, (byte) MAGIC_1);
        buffer.put(offset + 2, (byte) VERSION);
        buffer.put(offset + 3, (byte) type.code());
    }

    /**
     * The type of the datagram at {@code buffer[offset..offset+length)} when its header is well formed and its
     * length is one that type may have; otherwise null, and {@link #check} says why.
     */
    public static PacketType typeOf(ByteBuffer buffer, int offset, int length) {
        return check(buffer, offset, length) == null ? PacketType.ofCode(buffer.get(offset + 3)) : null;
    }

    /** Why the datagram is dropped before any cryptography, or null when its header and length are well formed. */
    public static DropReason check(ByteBuffer buffer, int offset, int length) {
        if (offset < 0 || length < HEADER_SIZE || offset > buffer.limit() - length) {
            return DropReason.TOO_SHORT;
        }
        if (buffer.get(offset) != MAGIC_0 || buffer.get(offset + 1) != MAGIC_1) {
            return DropReason.NOT_TUNNEL;
        }
        if (buffer.get(offset + 2) != VERSION) {
            return DropReason.UNSUPPORTED_VERSION;
        }
        PacketType type = PacketType.ofCode(buffer.get(offset + 3));
        if (type == null) {
            return DropReason.UNKNOWN_TYPE;
        }
        if (length < type.minSize() || length > type.maxSize()) {
            return DropReason.BAD_SIZE;
        }
        return null;
    }

    /** As {@link #check}, and the datagram must be of {@code expected} type. */
    static DropReason check(ByteBuffer buffer, int offset, int length, PacketType expected) {
        DropReason reason = check(buffer, offset, length);
        if (reason == null && buffer.get(offset + 3) != expected.code()) {
            return DropReason.UNEXPECTED_TYPE;
        }
        return reason;
    }
}
