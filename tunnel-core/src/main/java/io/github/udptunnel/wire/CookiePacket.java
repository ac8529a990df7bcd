package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * COOKIE, server to client, exactly {@value #SIZE} bytes: the header, the client's connection key C' (so the
 * client finds the connect it answers without trying keys), the server's long-term key S, a 16-byte nonce suffix,
 * and a box from s to C' (nonce {@code "rtunnelC" || suffix}) holding S' and the {@link Cookie}.
 */
public final class CookiePacket extends PacketView {

    public static final int CLIENT_KEY_OFFSET = Packet.HEADER_SIZE;
    public static final int SERVER_KEY_OFFSET = CLIENT_KEY_OFFSET + 32;
    public static final int NONCE_SUFFIX_OFFSET = SERVER_KEY_OFFSET + 32;
    public static final int NONCE_SUFFIX_SIZE = 16;
    public static final int BOX_OFFSET = NONCE_SUFFIX_OFFSET + NONCE_SUFFIX_SIZE;
    /** What the box holds: the server's connection key S', then the cookie. */
    public static final int PLAINTEXT_SIZE = 32 + Cookie.SIZE;
    public static final int BOX_SIZE = 16 + PLAINTEXT_SIZE;
    public static final int SIZE = BOX_OFFSET + BOX_SIZE;

    public CookiePacket() {
        super(PacketType.COOKIE);
    }

    /** Buffer index of C'. */
    public int clientKeyIndex() {
        return offset + CLIENT_KEY_OFFSET;
    }

    /** Buffer index of S. */
    public int serverKeyIndex() {
        return offset + SERVER_KEY_OFFSET;
    }

    /** Buffer index of the 16-byte nonce suffix. */
    public int nonceSuffixIndex() {
        return offset + NONCE_SUFFIX_OFFSET;
    }

    /** Buffer index of the box (tag first), {@value #BOX_SIZE} bytes. */
    public int boxIndex() {
        return offset + BOX_OFFSET;
    }

    /** Writes the header, C', S and the nonce suffix; the caller seals the box at {@link #BOX_OFFSET}. */
    public static void encodeHead(ByteBuffer buffer, int offset, byte[] clientKey, int clientKeyOff,
                                  byte[] serverKey, int keyOff, byte[] nonceSuffix, int suffixOff) {
        Packet.writeHeader(buffer, offset, PacketType.COOKIE);
        buffer.put(offset + CLIENT_KEY_OFFSET, clientKey, clientKeyOff, 32);
        buffer.put(offset + SERVER_KEY_OFFSET, serverKey, keyOff, 32);
        buffer.put(offset + NONCE_SUFFIX_OFFSET, nonceSuffix, suffixOff, NONCE_SUFFIX_SIZE);
    }
}
