package io.github.udptunnel.autoconfigure.message;

import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Any value as JSON ({@code application/json}) through Jackson 3; JSON payloads read into any type. */
public final class JacksonMessageConverter implements TunnelMessageConverter {

    private final JsonMapper mapper;

    public JacksonMessageConverter(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public TunnelPayload toPayload(Object value) {
        try {
            return new TunnelPayload(TunnelPayload.JSON, mapper.writeValueAsBytes(value));
        } catch (JacksonException e) {
            throw new TunnelMessageConversionException("cannot write a " + value.getClass().getName() + " as JSON: "
                + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object fromPayload(TunnelPayload payload, Class<?> targetType) {
        if (!payload.mediaType().equals(TunnelPayload.JSON)) {
            return null;
        }
        try {
            return mapper.readValue(payload.body(), targetType);
        } catch (JacksonException e) {
            throw new TunnelMessageConversionException("cannot read JSON as a " + targetType.getName() + ": "
                + e.getOriginalMessage(), e);
        }
    }
}
