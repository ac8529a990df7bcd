package io.github.udptunnel.autoconfigure.message;

import java.util.Objects;

/** A converted value: its content type and its bytes. The empty content type with no bytes stands for null. */
public record TunnelPayload(String contentType, byte[] body) {

    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String TEXT_PLAIN = "text/plain;charset=UTF-8";
    public static final String JSON = "application/json";

    /** Null: no content type, no bytes. */
    public static final TunnelPayload NULL = new TunnelPayload("", new byte[0]);

    public TunnelPayload {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    public boolean isNull() {
        return contentType.isEmpty() && body.length == 0;
    }

    /** The content type without parameters, lower case: {@code text/plain}. */
    public String mediaType() {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "TunnelPayload[" + contentType + ", " + body.length + " bytes]";
    }
}
