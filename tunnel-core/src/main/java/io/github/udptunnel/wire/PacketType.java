package io.github.udptunnel.wire;

/** The four packet types of protocol version 1, with the type byte and the sizes a datagram of each may have. */
public enum PacketType {

    /** Client to server: the client's connection key, padded to a fixed size. */
    HELLO(1, HelloPacket.SIZE, HelloPacket.SIZE),
    /** Server to client: C', the server's long-term key and a box holding its connection key and the cookie. */
    COOKIE(2, CookiePacket.SIZE, CookiePacket.SIZE),
    /** Client to server: the connection key, the cookie and the first boxed message. */
    INIT(3, InitPacket.MIN_SIZE, Packet.MAX_DATAGRAM_SIZE),
    /** Both ways: the client's connection key, a nonce counter and a boxed message. */
    DATA(4, DataPacket.MIN_SIZE, Packet.MAX_DATAGRAM_SIZE);

    private static final PacketType[] BY_CODE = {null, HELLO, COOKIE, INIT, DATA};

    private final int code;
    private final int minSize;
    private final int maxSize;

    PacketType(int code, int minSize, int maxSize) {
        this.code = code;
        this.minSize = minSize;
        this.maxSize = maxSize;
    }

    /** The type byte, the fourth byte of every packet. */
    public int code() {
        return code;
    }

    public int minSize() {
        return minSize;
    }

    public int maxSize() {
        return maxSize;
    }

    /** The type of a type byte, or null for a byte no type has. */
    public static PacketType ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
