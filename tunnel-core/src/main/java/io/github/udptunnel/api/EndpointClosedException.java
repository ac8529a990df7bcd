package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The endpoint was closed: every connection on it ends, and waiting threads wake with this. */
public final class EndpointClosedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public EndpointClosedException(String message) {
        super(message, CloseReason.ENDPOINT_CLOSED);
    }
}
