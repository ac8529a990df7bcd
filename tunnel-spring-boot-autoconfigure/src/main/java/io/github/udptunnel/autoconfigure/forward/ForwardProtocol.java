package io.github.udptunnel.autoconfigure.forward;

import io.github.udptunnel.autoconfigure.message.ErrorPayload;
import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.MalformedFrameException;
import io.github.udptunnel.autoconfigure.message.TunnelFrame;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;

/**
 * The two messages that open a forward (docs/FORWARDING.md), in the starter's framing: the client's FORWARD frame
 * naming the service, and the server's answer, an empty REPLY when the service is connected or an ERROR whose type
 * is a {@link ForwardFailure} code. Every message after them is raw bytes of the TCP stream.
 */
public final class ForwardProtocol {

    private ForwardProtocol() {
    }

    /** True when {@code message} is a forward request (the dispatcher hands such a connection over). */
    public static boolean isRequest(byte[] message) {
        return message.length > 0 && message[0] == FrameKind.FORWARD.code();
    }

    public static byte[] request(String service) {
        return new TunnelFrame(FrameKind.FORWARD, 0, service, TunnelPayload.NULL).encode();
    }

    /** The service a request names; throws {@link MalformedFrameException} for anything else. */
    public static String serviceOf(byte[] request) {
        TunnelFrame frame = TunnelFrame.decode(request);
        if (frame.kind() != FrameKind.FORWARD) {
            throw new MalformedFrameException("expected a FORWARD frame, got " + frame.kind());
        }
        return frame.route();
    }

    public static byte[] connected(String service) {
        return new TunnelFrame(FrameKind.REPLY, 0, service, TunnelPayload.NULL).encode();
    }

    public static byte[] refused(String service, ForwardFailure why, String detail) {
        return new TunnelFrame(FrameKind.ERROR, 0, service, new ErrorPayload(why.code(), detail).toPayload()).encode();
    }

    /**
     * What the server's answer says: null when connected, else why not (the server's reason, or
     * {@link ForwardFailure#PROTOCOL} for an answer that is not one).
     */
    public static Refusal refusalIn(byte[] answer) {
        TunnelFrame frame;
        try {
            frame = TunnelFrame.decode(answer);
        } catch (MalformedFrameException e) {
            return new Refusal(ForwardFailure.PROTOCOL, e.getMessage());
        }
        return switch (frame.kind()) {
            case REPLY -> null;
            case ERROR -> {
                ErrorPayload error = ErrorPayload.from(frame.payload());
                yield new Refusal(ForwardFailure.ofCode(error.type()), error.message());
            }
            default -> new Refusal(ForwardFailure.PROTOCOL, "answered with a " + frame.kind() + " frame");
        };
    }

    /** A server's refusal: the reason and its words. */
    public record Refusal(ForwardFailure reason, String detail) {
    }
}
