package io.github.udptunnel.autoconfigure.client;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

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

    /** A server at a fixed address, pinned under {@code host:port}. */
    public static TunnelServerTarget of(String name, InetSocketAddress address) {
        return new TunnelServerTarget(name, () -> address, address.getHostString() + ":" + address.getPort());
    }
}
