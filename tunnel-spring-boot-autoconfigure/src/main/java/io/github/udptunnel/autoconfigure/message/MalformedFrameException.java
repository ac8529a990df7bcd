package io.github.udptunnel.autoconfigure.message;

/** A tunnel message that is not a frame (docs/SPRING.md, "The framing"). */
public class MalformedFrameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
