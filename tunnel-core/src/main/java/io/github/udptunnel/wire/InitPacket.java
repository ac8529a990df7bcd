package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * INIT, client to server, {@value #MIN_SIZE} to 1232 bytes: the header, C', the {@link Cookie}, an 8-byte nonce
 * counter and a box under the connection key (nonce {@code "rtunnel client->" || counter}) holding a
 * {@link Message}.
 */
public final class InitPacket extends BoxedPacket {

    public static final int CLIENT_KEY_OFFSET = Packet.HEADER_SIZE;
    public static final int COOKIE_OFFSET = CLIENT_KEY_OFFSET + 32;
    public static final int COUNTER_OFFSET = COOKIE_OFFSET + Cookie.SIZE;
    public static final int BOX_OFFSET = COUNTER_OFFSET + 8;
    public static final int MIN_SIZE = BOX_OFFSET + 16 + Message.MIN_SIZE;
    /** The most message an INIT can carry. */
    public static final int MAX_MESSAGE_SIZE = Packet.MAX_DATAGRAM_SIZE - BOX_OFFSET - 16;

    public InitPacket() {
        super(PacketType.INIT, COUNTER_OFFSET, BOX_OFFSET);
    }

    public int cookieIndex() {
        return offset + COOKIE_OFFSET;
    }

    /** Writes the header, C', the cookie and the counter; the caller seals the box at {@link #BOX_OFFSET}. */
    public static void encodeHead(ByteBuffer buffer, int offset, byte[] clientKey, int keyOff,
                                  byte[] cookie, int cookieOff, long counter) {
        Packet.writeHeader(buffer, offset, PacketType.INIT);
        buffer.put(offset + CLIENT_KEY_OFFSET, clientKey, keyOff, 32);
        buffer.put(offset + COOKIE_OFFSET, cookie, cookieOff, Cookie.SIZE);
        LittleEndian.putU64(buffer, offset + COUNTER_OFFSET, counter);
    }
}
