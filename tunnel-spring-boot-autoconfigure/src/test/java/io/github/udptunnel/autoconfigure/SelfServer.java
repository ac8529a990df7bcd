package io.github.udptunnel.autoconfigure;

import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;
import io.github.udptunnel.autoconfigure.client.UnknownTunnelServerException;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;

/** For tests whose server binds port 0: the server named "self" is the context's own, where it really is. */
public final class SelfServer {

    private SelfServer() {
    }

    public static TunnelServerResolver resolver(TunnelEndpoints endpoints) {
        return name -> {
            if (!name.equals("self")) {
                throw new UnknownTunnelServerException(name);
            }
            return new TunnelServerTarget("self", endpoints::serverAddress, "self");
        };
    }
}
