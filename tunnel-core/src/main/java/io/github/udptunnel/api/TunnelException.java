package io.github.udptunnel.api;

import java.io.IOException;

import io.github.udptunnel.engine.CloseReason;

/**
 * Why a tunnel operation failed. Each cause a person can act on has its own subclass; {@link #reason()} gives the
 * engine's reason for the ones that end a connection.
 */
public class TunnelException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient CloseReason reason;

    public TunnelException(String message, CloseReason reason) {
        super(message);
        this.reason = reason;
    }

    /** The engine's reason, or null for failures that are not the end of a connection. */
    public CloseReason reason() {
        return reason;
    }

    /** The exception for a connection that ended, or whose connect failed, for {@code reason}. */
    static TunnelException of(CloseReason reason, String description) {
        return switch (reason) {
            case CONNECT_TIMEOUT -> new ConnectTimeoutException(description);
            case SERVER_KEY_CHANGED -> new ServerKeyChangedException(description);
            case SERVER_FULL -> new ServerFullException(description);
            case RESET_BY_PEER, MESSAGE_TOO_LARGE -> new ConnectionResetException(description, reason);
            case ENDPOINT_CLOSED -> new EndpointClosedException(description);
            default -> new ConnectionClosedException(description, reason);
        };
    }
}
