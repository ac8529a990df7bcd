package io.github.udptunnel.autoconfigure.endpoint;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import io.github.udptunnel.api.TunnelEndpoint;

/**
 * The application's tunnel endpoints, a server and a client, either or both: where observability (actuator,
 * metrics, health) and tests find them, and how a client in the same application learns the port a server bound to.
 */
public final class TunnelEndpoints {

    private final ManagedTunnelEndpoint server;
    private final ManagedTunnelEndpoint client;

    public TunnelEndpoints(ManagedTunnelEndpoint server, ManagedTunnelEndpoint client) {
        if (server != null && server.role() != TunnelRole.SERVER || client != null && client.role() != TunnelRole.CLIENT) {
            throw new IllegalArgumentException("server and client endpoints swapped");
        }
        this.server = server;
        this.client = client;
    }

    public Optional<ManagedTunnelEndpoint> server() {
        return Optional.ofNullable(server);
    }

    public Optional<ManagedTunnelEndpoint> client() {
        return Optional.ofNullable(client);
    }

    /** The running server endpoint; throws when there is none (set tunnel.server.port) or it is not running. */
    public TunnelEndpoint serverEndpoint() {
        return server().orElseThrow(() -> new IllegalStateException("no tunnel server: set tunnel.server.port"))
            .endpoint();
    }

    /** The running client endpoint; throws when there is none (name a server under tunnel.client.servers). */
    public TunnelEndpoint clientEndpoint() {
        return client().orElseThrow(() -> new IllegalStateException(
            "no tunnel client: name a server under tunnel.client.servers, or set tunnel.client.enabled")).endpoint();
    }

    /** The address the server is bound to, with its actual port. */
    public InetSocketAddress serverAddress() {
        return serverEndpoint().localAddress();
    }

    /** Every endpoint there is, server first. */
    public List<ManagedTunnelEndpoint> all() {
        if (server != null && client != null) {
            return List.of(server, client);
        }
        return server != null ? List.of(server) : client != null ? List.of(client) : List.of();
    }
}
