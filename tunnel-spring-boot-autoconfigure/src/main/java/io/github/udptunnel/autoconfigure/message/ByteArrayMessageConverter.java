package io.github.udptunnel.autoconfigure.message;

/** {@code byte[]} as it is ({@code application/octet-stream}); any payload reads as its bytes. */
public final class ByteArrayMessageConverter implements TunnelMessageConverter {

    @Override
    public TunnelPayload toPayload(Object value) {
        return value instanceof byte[] bytes ? new TunnelPayload(TunnelPayload.OCTET_STREAM, bytes) : null;
    }

    @Override
    public Object fromPayload(TunnelPayload payload, Class<?> targetType) {
        if (targetType == byte[].class
            || targetType == Object.class && payload.mediaType().equals(TunnelPayload.OCTET_STREAM)) {
            return payload.body();
        }
        return null;
    }
}
