package io.github.udptunnel.autoconfigure.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.TunnelAutoConfiguration;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts;
import io.github.udptunnel.autoconfigure.jdbc.TunnelJdbcKnownHostsAutoConfiguration;

/**
 * Health contributors {@code tunnel} (the endpoints) and {@code tunnelKnownHosts} (the JDBC store, when it is the
 * known-hosts bean), when the application has Spring Boot's health module (spring-boot-health).
 */
@AutoConfiguration(after = {TunnelAutoConfiguration.class, TunnelJdbcKnownHostsAutoConfiguration.class})
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
    "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
public class TunnelHealthAutoConfiguration {

    @Bean
    @ConditionalOnBean(TunnelEndpoints.class)
    @ConditionalOnMissingBean(name = "tunnelHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("tunnel")
    TunnelHealthIndicator tunnelHealthIndicator(TunnelEndpoints endpoints) {
        return new TunnelHealthIndicator(endpoints);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "javax.sql.DataSource")
    @ConditionalOnBean(JdbcKnownHosts.class)
    static class KnownHostsHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "tunnelKnownHostsHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("tunnelKnownHosts")
        JdbcKnownHostsHealthIndicator tunnelKnownHostsHealthIndicator(JdbcKnownHosts knownHosts) {
            return new JdbcKnownHostsHealthIndicator(knownHosts);
        }
    }
}
