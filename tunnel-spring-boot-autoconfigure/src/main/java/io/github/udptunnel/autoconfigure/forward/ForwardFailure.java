package io.github.udptunnel.autoconfigure.forward;

/**
 * Why a forwarded TCP connection failed, as counted in the meters ({@code reason} tag) and sent in the server's
 * refusal. The codes are part of the protocol (docs/FORWARDING.md): a client counts a refusal under the server's code.
 */
public enum ForwardFailure {
    /** The service is not on the server's allow-list; nothing was connected. */
    UNKNOWN_SERVICE("unknown-service"),
    /** The server's connect to the service was refused. */
    CONNECT_REFUSED("connect-refused"),
    /** The server's connect to the service timed out. */
    CONNECT_TIMEOUT("connect-timeout"),
    /** The server could not reach the service otherwise (unknown host, no route). */
    UNREACHABLE("unreachable"),
    /** The client could not open the tunnel connection (handshake, key, server full). */
    TUNNEL_CONNECT("tunnel-connect"),
    /** The server did not answer the forward request in time. */
    NO_ANSWER("no-answer"),
    /** A forward request or answer that is not what the protocol says. */
    PROTOCOL("protocol"),
    /** Once connected, one side failed (a TCP reset, a tunnel reset or timeout): both were torn down. */
    RESET("reset");

    private final String code;

    ForwardFailure(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The failure with this code; {@link #PROTOCOL} for a code this version does not know. */
    public static ForwardFailure ofCode(String code) {
        for (ForwardFailure f : values()) {
            if (f.code.equals(code)) {
                return f;
            }
        }
        return PROTOCOL;
    }
}
