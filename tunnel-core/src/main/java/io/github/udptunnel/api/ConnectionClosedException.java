package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The connection is closed: by this side, by both sides finishing, or by the idle timeout; the reason says which. */
public final class ConnectionClosedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public ConnectionClosedException(String message, CloseReason reason) {
        super(message, reason);
    }
}
