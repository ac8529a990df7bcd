package io.github.udptunnel.api;

/**
 * The known-hosts store failed (a file that cannot be read or written, a database that is down): the connect that
 * needed it fails with this, and nothing was pinned. The endpoint and its other connections carry on.
 */
public final class KnownHostsException extends TunnelException {

    private static final long serialVersionUID = 1L;

    public KnownHostsException(String message, Throwable cause) {
        super(message, null);
        initCause(cause);
    }
}
