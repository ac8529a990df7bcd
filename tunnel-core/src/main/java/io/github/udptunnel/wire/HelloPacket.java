package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * HELLO, client to server, exactly {@value #SIZE} bytes: the header, the client's connection key C' and zero
 * padding. The padding makes a HELLO larger than the COOKIE it can cause, so the server never amplifies; a
 * receiver ignores its content.
 */
public final class HelloPacket extends PacketView {

    public static final int CLIENT_KEY_OFFSET = Packet.HEADER_SIZE;
    public static final int PADDING_OFFSET = CLIENT_KEY_OFFSET + 32;
    public static final int SIZE = 224;

    public HelloPacket() {
        super(PacketType.HELLO);
    }

    /** Buffer index of C'. */
    public int clientKeyIndex() {
        return offset + CLIENT_KEY_OFFSET;
    }

    /** Writes a HELLO for C' at {@code offset} and returns its size. */
    public static int encode(ByteBuffer buffer, int offset, byte[] clientKey, int keyOff) {
        Packet.writeHeader(buffer, offset, PacketType.HELLO);
        buffer.put(offset + CLIENT_KEY_OFFSET, clientKey, keyOff, 32);
        for (int i = offset + PADDING_OFFSET; i < offset + SIZE; i++) {
            buffer.put(i, (byte) 0);
        }
        return SIZE;
    }
}
