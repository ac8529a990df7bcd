package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The server refused the connection because its connection table is full. */
public final class ServerFullException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public ServerFullException(String message) {
        super(message, CloseReason.SERVER_FULL);
    }
}
