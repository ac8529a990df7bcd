package io.github.udptunnel.api;

import io.github.udptunnel.engine.CloseReason;

/** The server presented another key than the one pinned for its name; the message shows both fingerprints. Nothing was overwritten and nothing was sent. */
public final class ServerKeyChangedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public ServerKeyChangedException(String message) {
        super(message, CloseReason.SERVER_KEY_CHANGED);
    }
}
