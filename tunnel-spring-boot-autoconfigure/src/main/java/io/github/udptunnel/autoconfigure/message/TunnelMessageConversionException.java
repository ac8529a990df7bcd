package io.github.udptunnel.autoconfigure.message;

/** A value could not be written as a payload, or a payload read as the type asked for. */
public class TunnelMessageConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TunnelMessageConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
