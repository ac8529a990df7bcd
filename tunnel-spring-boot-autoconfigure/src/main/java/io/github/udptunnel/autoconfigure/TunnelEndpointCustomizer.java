package io.github.udptunnel.autoconfigure;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelRole;

/**
 * Adjusts an endpoint's builder after the properties have been applied, for what they do not cover (engine
 * settings through {@code builder.engine(...)}, ring sizes, a trust executor). Called on every start, in order.
 */
@FunctionalInterface
public interface TunnelEndpointCustomizer {

    void customize(TunnelRole role, TunnelEndpoint.Builder builder);
}
