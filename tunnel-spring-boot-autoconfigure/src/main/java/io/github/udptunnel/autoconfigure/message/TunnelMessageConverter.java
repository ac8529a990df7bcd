package io.github.udptunnel.autoconfigure.message;

/**
 * Turns values into message payloads and back, for {@code TunnelTemplate} and {@code @TunnelListener}. The default
 * handles {@code byte[]}, {@code String} and, with Jackson on the class path, anything as JSON; an application's
 * own bean of this type replaces it (compose it with {@link TunnelMessageConverters#defaults} to keep those).
 */
public interface TunnelMessageConverter {

    /** The payload of {@code value} (never null), or null when this converter does not write its type. */
    TunnelPayload toPayload(Object value);

    /**
     * {@code payload} as a {@code targetType}, or null when this converter does not read that content type into that
     * type. Throws {@link TunnelMessageConversionException} when it should but the bytes are wrong.
     */
    Object fromPayload(TunnelPayload payload, Class<?> targetType);
}
