package io.github.udptunnel.io;

import java.io.IOException;

/** The endpoint's worker has stopped: closed, or failed (then the cause says why). */
public final class WorkerStoppedException extends IOException {

    private static final long serialVersionUID = 1L;

    public WorkerStoppedException(Throwable cause) {
        super(cause == null ? "the endpoint is closed" : "the endpoint's worker failed: " + cause, cause);
    }
}
