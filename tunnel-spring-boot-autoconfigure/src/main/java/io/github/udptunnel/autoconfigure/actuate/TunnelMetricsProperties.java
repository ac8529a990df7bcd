package io.github.udptunnel.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code tunnel.metrics.*} settings. */
@ConfigurationProperties("tunnel.metrics")
public class TunnelMetricsProperties {

    /**
     * Whether to publish a gauge tunnel.connection.rtt per connection (tags role and peer). Off by default: one
     * series per peer address is unbounded cardinality for a server.
     */
    private boolean perConnection = false;

    /** How often the per-connection gauges are refreshed, when they are on. */
    private Duration perConnectionRefresh = Duration.ofSeconds(10);

    public boolean isPerConnection() {
        return perConnection;
    }

    public void setPerConnection(boolean perConnection) {
        this.perConnection = perConnection;
    }

    public Duration getPerConnectionRefresh() {
        return perConnectionRefresh;
    }

    public void setPerConnectionRefresh(Duration perConnectionRefresh) {
        this.perConnectionRefresh = perConnectionRefresh;
    }
}
