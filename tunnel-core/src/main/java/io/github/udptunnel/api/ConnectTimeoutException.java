package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The handshake did not complete in time: the server is down, unreachable, or not a tunnel server. */
public final class ConnectTimeoutException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public ConnectTimeoutException(String message) {
        super(message, CloseReason.CONNECT_TIMEOUT);
    }
}
