package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The peer aborted the connection (or refused a message as too large). */
public final class ConnectionResetException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public ConnectionResetException(String message, CloseReason reason) {
        super(message, reason);
    }
}
