package io.github.udptunnel.autoconfigure.actuate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts;

/**
 * The JDBC known-hosts store: UP when a query on its table answers ({@link JdbcKnownHosts#check()}, which reads no
 * row), DOWN with the failure otherwise. A client whose store is down keeps its open connections; only new connects
 * that need the store fail (docs/JDBC-KNOWN-HOSTS.md).
 */
public class JdbcKnownHostsHealthIndicator extends AbstractHealthIndicator {

    private final JdbcKnownHosts knownHosts;

    public JdbcKnownHostsHealthIndicator(JdbcKnownHosts knownHosts) {
        super("Tunnel known-hosts store check failed");
        this.knownHosts = knownHosts;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("table", knownHosts.tableName());
        knownHosts.check();
        builder.up();
    }
}
