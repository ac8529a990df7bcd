package io.github.udptunnel.autoconfigure.template;

/** No reply came within the timeout; the connection carries on, and a late reply is dropped. */
public class TunnelReplyTimeoutException extends TunnelClientException {

    private static final long serialVersionUID = 1L;

    public TunnelReplyTimeoutException(String message) {
        super(message, null);
    }
}
