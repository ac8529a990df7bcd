package io.github.udptunnel.autoconfigure.message;

import java.nio.charset.StandardCharsets;

/** The payload of an ERROR frame: the failed listener's exception type, a newline, its message; UTF-8 text. */
public record ErrorPayload(String type, String message) {

    public static ErrorPayload of(Throwable failure) {
        String m = failure.getMessage();
        return new ErrorPayload(failure.getClass().getName(), m == null ? "" : m);
    }

    public TunnelPayload toPayload() {
        return new TunnelPayload(TunnelPayload.TEXT_PLAIN, (type + "\n" + message).getBytes(StandardCharsets.UTF_8));
    }

    public static ErrorPayload from(TunnelPayload payload) {
        String text = new String(payload.body(), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return newline < 0 ? new ErrorPayload(text, "") : new ErrorPayload(text.substring(0, newline),
            text.substring(newline + 1));
    }
}
