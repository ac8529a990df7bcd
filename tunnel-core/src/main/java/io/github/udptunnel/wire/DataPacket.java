package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * DATA, both ways, {@value #MIN_SIZE} to 1232 bytes: the header, the client's connection key C' (which names the
 * connection at both ends), an 8-byte nonce counter and a box under the connection key holding a {@link Message}.
 * The nonce is the sender's direction prefix and the counter.
 */
public final class DataPacket extends BoxedPacket {

    public static final int CLIENT_KEY_OFFSET = Packet.HEADER_SIZE;
    public static final int COUNTER_OFFSET = CLIENT_KEY_OFFSET + 32;
    public static final int BOX_OFFSET = COUNTER_OFFSET + 8;
    public static final int MIN_SIZE = BOX_OFFSET + 16 + Message.MIN_SIZE;
    /** The most message a DATA packet can carry. */
    public static final int MAX_MESSAGE_SIZE = Packet.MAX_DATAGRAM_SIZE - BOX_OFFSET - 16;

    public DataPacket() {
        super(PacketType.DATA, COUNTER_OFFSET, BOX_OFFSET);
    }

    /** Writes the header, C' and the counter; the caller seals the box at {@link #BOX_OFFSET}. */
    public static void encodeHead(ByteBuffer buffer, int offset, byte[] clientKey, int keyOff, long counter) {
        Packet.writeHeader(buffer, offset, PacketType.DATA);
        buffer.put(offset + CLIENT_KEY_OFFSET, clientKey, keyOff, 32);
        LittleEndian.putU64(buffer, offset + COUNTER_OFFSET, counter);
    }
}
