package io.github.udptunnel.autoconfigure.jdbc;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

import io.github.udptunnel.trust.KnownHosts;

/**
 * The JDBC known-hosts store, when the application has one {@link DataSource} (or a primary one) and no
 * {@link KnownHosts} of its own, unless {@code tunnel.client.known-hosts.store} names another store. Ordered before
 * the tunnel's main auto-configuration, whose default store then stands aside.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class,
    beforeName = "io.github.udptunnel.autoconfigure.TunnelAutoConfiguration")
@ConditionalOnClass({ DataSource.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnMissingBean(KnownHosts.class)
@ConditionalOnProperty(prefix = "tunnel.client.known-hosts", name = "store", havingValue = "jdbc",
    matchIfMissing = true)
@EnableConfigurationProperties(TunnelJdbcKnownHostsProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class TunnelJdbcKnownHostsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @Conditional(OnKnownHostsSchemaInitializationCondition.class)
    TunnelJdbcKnownHostsSchemaInitializer tunnelJdbcKnownHostsSchemaInitializer(DataSource dataSource,
                                                                                TunnelJdbcKnownHostsProperties properties) {
        return new TunnelJdbcKnownHostsSchemaInitializer(dataSource, properties);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcKnownHosts tunnelKnownHosts(DataSource dataSource, TunnelJdbcKnownHostsProperties properties) {
        return new JdbcKnownHosts(dataSource, properties.getTableName(), properties.getQueryTimeout());
    }

    /** No initializer at all when the schema is left to the user. */
    static class OnKnownHostsSchemaInitializationCondition extends OnDatabaseInitializationCondition {

        OnKnownHostsSchemaInitializationCondition() {
            super("Tunnel known hosts", "tunnel.client.known-hosts.jdbc.initialize-schema");
        }
    }
}
