package io.github.udptunnel.autoconfigure.client;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.udptunnel.autoconfigure.TunnelProperties;

/** The servers named under {@code tunnel.client.servers}; addresses resolved at each connect. */
public final class PropertiesTunnelServerResolver implements TunnelServerResolver {

    private final Map<String, ServerAddress> servers = new LinkedHashMap<>();

    public PropertiesTunnelServerResolver(Map<String, TunnelProperties.NamedServer> servers) {
        servers.forEach((name, server) -> this.servers.put(name, ServerAddress.parse(server.getAddress())));
    }

    @Override
    public TunnelServerTarget resolve(String name) {
        ServerAddress address = servers.get(name);
        if (address == null) {
            throw new UnknownTunnelServerException(name);
        }
        return new TunnelServerTarget(name, address::resolve, address.knownHostsName());
    }
}
