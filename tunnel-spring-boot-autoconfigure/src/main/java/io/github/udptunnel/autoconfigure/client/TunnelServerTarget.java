package io.github.udptunnel.autoconfigure.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;

/**
 * Where a named server is: how to find its address at connect time, and the name its key is pinned under in the
 * known-hosts store.
 */
public record TunnelServerTarget(String name, Supplier<InetSocketAddress> address, String knownHostsName) {

    public TunnelServerTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(knownHostsName, "knownHostsName");
    }

    /**
     * Opens a connection of its own to this server through {@code endpoint}: resolves the address now, then the
     * handshake, with the key checked against the pin (or pinned on first use).
     */
    public TunnelConnection connect(TunnelEndpoint endpoint, Duration timeout) throws IOException, InterruptedException {
        InetSocketAddress resolved = address.get();
        if (resolved.isUnresolved()) {
            throw new UnknownHostException("cannot resolve the address of tunnel server '" + name + "': "
                + resolved.getHostString());
        }
        return endpoint.connect(resolved, knownHostsName, timeout);
    }

    /** A server at a fixed address, pinned under {@code host:port}. */
    public static TunnelServerTarget of(String name, InetSocketAddress address) {
        return new TunnelServerTarget(name, () -> address, address.getHostString() + ":" + address.getPort());
    }
}
