package io.github.udptunnel.autoconfigure.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One framed tunnel message: what {@code TunnelTemplate} and {@code @TunnelListener} put inside each message of a
 * connection so that one connection carries many requests at once (docs/SPRING.md, "The framing"):
 *
 * <pre>
 * kind            1 byte   1 ONE_WAY, 2 REQUEST, 3 REPLY, 4 ERROR, 5 FORWARD
 * correlation id  8 bytes  big-endian; a REPLY or ERROR carries its REQUEST's; 0 for ONE_WAY
 * route length    1 byte   then that many bytes of UTF-8: which listener (empty: the default one)
 * type length     1 byte   then that many bytes of US-ASCII: the payload's content type (empty: null)
 * payload         the rest of the message
 * </pre>
 */
public record TunnelFrame(FrameKind kind, long correlationId, String route, TunnelPayload payload) {

    /** Bytes before the route: kind and correlation id. */
    public static final int FIXED_HEADER = 9;

    public TunnelFrame {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(payload, "payload");
        if (route.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("a route is at most 255 bytes of UTF-8: " + route);
        }
        if (payload.contentType().length() > 255 || !StandardCharsets.US_ASCII.newEncoder().canEncode(payload.contentType())) {
            throw new IllegalArgumentException("a content type is at most 255 ASCII characters: " + payload.contentType());
        }
    }

    public byte[] encode() {
        byte[] r = route.getBytes(StandardCharsets.UTF_8);
        byte[] t = payload.contentType().getBytes(StandardCharsets.US_ASCII);
        byte[] body = payload.body();
        byte[] out = new byte[FIXED_HEADER + 1 + r.length + 1 + t.length + body.length];
        out[0] = kind.code();
        long id = correlationId;
        for (int i = 8; i >= 1; i--) {
            out[i] = (byte) id;
            id >>>= 8;
        }
        int at = FIXED_HEADER;
        out[at++] = (byte) r.length;
        System.arraycopy(r, 0, out, at, r.length);
        at += r.length;
        out[at++] = (byte) t.length;
        System.arraycopy(t, 0, out, at, t.length);
        at += t.length;
        System.arraycopy(body, 0, out, at, body.length);
        return out;
    }

    /** Reads a framed message; throws {@link MalformedFrameException} saying what is wrong. */
    public static TunnelFrame decode(byte[] message) {
        if (message.length < FIXED_HEADER + 2) {
            throw new MalformedFrameException("a framed message has at least 11 bytes, this one " + message.length);
        }
        FrameKind kind = FrameKind.of(message[0]);
        if (kind == null) {
            throw new MalformedFrameException("unknown frame kind " + (message[0] & 0xff));
        }
        long id = 0;
        for (int i = 1; i <= 8; i++) {
            id = id << 8 | (message[i] & 0xff);
        }
        int at = FIXED_HEADER;
        int routeLength = message[at++] & 0xff;
        if (at + routeLength + 1 > message.length) {
            throw new MalformedFrameException("the route runs past the end of the message");
        }
        String route = new String(message, at, routeLength, StandardCharsets.UTF_8);
        at += routeLength;
        int typeLength = message[at++] & 0xff;
        if (at + typeLength > message.length) {
            throw new MalformedFrameException("the content type runs past the end of the message");
        }
        String type = new String(message, at, typeLength, StandardCharsets.US_ASCII);
        at += typeLength;
        return new TunnelFrame(kind, id, route, new TunnelPayload(type, Arrays.copyOfRange(message, at, message.length)));
    }
}
