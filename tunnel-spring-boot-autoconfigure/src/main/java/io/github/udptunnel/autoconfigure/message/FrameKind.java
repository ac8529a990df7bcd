package io.github.udptunnel.autoconfigure.message;

/** The first byte of every framed tunnel message (docs/SPRING.md, "The framing"). */
public enum FrameKind {
    /** A message that wants no answer; its correlation id is 0. */
    ONE_WAY(1),
    /** A message that wants one REPLY or ERROR with its correlation id. */
    REQUEST(2),
    /** The answer to a REQUEST: the listener's return value. */
    REPLY(3),
    /** The answer to a REQUEST whose listener failed: the payload is the error's type and message, UTF-8. */
    ERROR(4),
    /**
     * The first message of a forwarded TCP connection (docs/FORWARDING.md): its route names the service. The server
     * answers REPLY (connected) or ERROR (refused, with the reason), then the connection carries raw bytes.
     */
    FORWARD(5);

    private final byte code;

    FrameKind(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The kind of {@code code}, or null for a code this version does not know. */
    public static FrameKind of(byte code) {
        return switch (code) {
            case 1 -> ONE_WAY;
            case 2 -> REQUEST;
            case 3 -> REPLY;
            case 4 -> ERROR;
            case 5 -> FORWARD;
            default -> null;
        };
    }
}
