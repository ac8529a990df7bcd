package io.github.udptunnel.autoconfigure.template;

/**
 * A {@link TunnelOperations} call failed: the connect (its cause says why: timeout, changed server key, server
 * full), the connection, or the conversion. Unchecked, as Spring's template exceptions are.
 */
public class TunnelClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TunnelClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
