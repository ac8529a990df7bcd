package io.github.udptunnel.autoconfigure.identity;

/** The server's key could not be had: the message names the property to fix, never the key. */
public class InvalidServerKeyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public InvalidServerKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
