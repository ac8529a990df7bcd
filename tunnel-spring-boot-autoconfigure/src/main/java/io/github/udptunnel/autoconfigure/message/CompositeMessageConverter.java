package io.github.udptunnel.autoconfigure.message;

import java.util.List;

/** Asks each converter in turn; the first answer wins. Null is the empty payload both ways. */
public final class CompositeMessageConverter implements TunnelMessageConverter {

    private final List<TunnelMessageConverter> converters;

    public CompositeMessageConverter(List<TunnelMessageConverter> converters) {
        this.converters = List.copyOf(converters);
    }

    public List<TunnelMessageConverter> converters() {
        return converters;
    }

    @Override
    public TunnelPayload toPayload(Object value) {
        if (value == null) {
            return TunnelPayload.NULL;
        }
        for (TunnelMessageConverter c : converters) {
            TunnelPayload p = c.toPayload(value);
            if (p != null) {
                return p;
            }
        }
        throw new TunnelMessageConversionException("no converter writes a " + value.getClass().getName()
            + " (byte[] and String are built in; add Jackson for JSON, or a TunnelMessageConverter bean)", null);
    }

    @Override
    public Object fromPayload(TunnelPayload payload, Class<?> targetType) {
        if (payload.isNull()) {
            return null;
        }
        if (targetType == TunnelPayload.class) {
            return payload;
        }
        for (TunnelMessageConverter c : converters) {
            Object v = c.fromPayload(payload, targetType);
            if (v != null) {
                return v;
            }
        }
        throw new TunnelMessageConversionException("no converter reads " + payload.contentType() + " as a "
            + targetType.getName(), null);
    }
}
