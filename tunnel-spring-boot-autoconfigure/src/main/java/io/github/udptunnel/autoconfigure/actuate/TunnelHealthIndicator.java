package io.github.udptunnel.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.engine.EngineStats;

/**
 * UP while every tunnel endpoint of the application is open (its worker thread alive); DOWN when one is not: its
 * worker failed, or it was closed while the context runs. Details per role: open, local address, connections and
 * capacity. Reads only the endpoints' counters: no packet, no call to the worker.
 */
public class TunnelHealthIndicator extends AbstractHealthIndicator {

    private final TunnelEndpoints endpoints;

    public TunnelHealthIndicator(TunnelEndpoints endpoints) {
        super("Tunnel health check failed");
        this.endpoints = endpoints;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (ManagedTunnelEndpoint managed : endpoints.all()) {
            String role = managed.role().name().toLowerCase(Locale.ROOT);
            Map<String, Object> details = new LinkedHashMap<>();
            if (!managed.isRunning()) {
                up = false;
                details.put("open", false);
                details.put("state", "not running");
            } else {
                TunnelEndpoint endpoint = managed.endpoint();
                EngineStats stats = endpoint.stats();
                boolean open = endpoint.isOpen();
                up &= open;
                details.put("open", open);
                details.put("localAddress", TunnelActuatorEndpoint.address(endpoint.localAddress()));
                details.put("connections", stats.openConnections());
                details.put("capacity", stats.maxConnections());
                details.put("underLoad", stats.underLoad(System.nanoTime()));
                if (!open) {
                    details.put("state", "closed under a running context (its worker failed, or it was closed)");
                }
            }
            builder.withDetail(role, details);
        }
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
