package io.github.udptunnel.autoconfigure.message;

import java.nio.charset.StandardCharsets;

/** {@code String} as UTF-8 ({@code text/plain}); text and JSON payloads read as a String. */
public final class StringMessageConverter implements TunnelMessageConverter {

    @Override
    public TunnelPayload toPayload(Object value) {
        return value instanceof String s ? new TunnelPayload(TunnelPayload.TEXT_PLAIN, s.getBytes(StandardCharsets.UTF_8))
            : null;
    }

    @Override
    public Object fromPayload(TunnelPayload payload, Class<?> targetType) {
        String type = payload.mediaType();
        boolean text = type.startsWith("text/");
        if (targetType == String.class && (text || type.equals(TunnelPayload.JSON))
            || targetType == Object.class && text) {
            return new String(payload.body(), StandardCharsets.UTF_8);
        }
        return null;
    }
}
