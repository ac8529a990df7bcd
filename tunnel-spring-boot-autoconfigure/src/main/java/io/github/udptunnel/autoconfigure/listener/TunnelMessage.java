package io.github.udptunnel.autoconfigure.listener;

import java.net.InetSocketAddress;

import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;

/** What a {@link TunnelListener} method may ask for besides the payload: the message as it came. */
public record TunnelMessage(FrameKind kind, long correlationId, String route, TunnelPayload payload,
                            InetSocketAddress peer) {

    /** True when the sender waits for a reply. */
    public boolean isRequest() {
        return kind == FrameKind.REQUEST;
    }
}
