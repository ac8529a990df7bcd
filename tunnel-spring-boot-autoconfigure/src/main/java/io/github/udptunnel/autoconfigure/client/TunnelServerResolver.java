package io.github.udptunnel.autoconfigure.client;

/**
 * Finds a server by the name {@code TunnelTemplate} is given. The default reads {@code tunnel.client.servers}; an
 * application's own bean wins (servers from a registry, or a server of the same application bound to port 0).
 */
@FunctionalInterface
public interface TunnelServerResolver {

    /** The server called {@code name}; throws {@link UnknownTunnelServerException} when there is none. */
    TunnelServerTarget resolve(String name);
}
