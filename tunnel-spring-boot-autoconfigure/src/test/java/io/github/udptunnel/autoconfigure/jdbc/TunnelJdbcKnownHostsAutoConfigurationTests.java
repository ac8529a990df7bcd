package io.github.udptunnel.autoconfigure.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

class TunnelJdbcKnownHostsAutoConfigurationTests {

    /** DataSourceAutoConfiguration gives an embedded H2 of a unique name (H2 is on the test class path). */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            TunnelJdbcKnownHostsAutoConfiguration.class));

    private final ApplicationContextRunner withoutDataSource = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TunnelJdbcKnownHostsAutoConfiguration.class));

    @Test
    void aDataSourceMakesTheJdbcStoreTheKnownHostsAndTheEmbeddedSchemaIsCreated() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(KnownHosts.class).hasSingleBean(TunnelJdbcKnownHostsSchemaInitializer.class);
            JdbcKnownHosts store = (JdbcKnownHosts) context.getBean(KnownHosts.class);
            assertThat(store.tableName()).isEqualTo("tunnel_known_hosts");
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(tableExists(dataSource, "tunnel_known_hosts")).isTrue();
            assertThat(context.getBeanFactory().getBeanDefinition("tunnelKnownHosts").getDependsOn())
                .as("the store is created after the schema").contains("tunnelJdbcKnownHostsSchemaInitializer");

            PublicKey key = PublicKey.of(new byte[32]);
            assertThat(store.pinIfAbsent("server.example", key)).isEqualTo(key);
            assertThat(store.lookup("server.example")).isEqualTo(key);
        });
    }

    @Test
    void theTableNameIsConfigurableAndTheScriptFollowsIt() {
        runner.withPropertyValues("tunnel.client.known-hosts.jdbc.table-name=fleet_pins").run(context -> {
            JdbcKnownHosts store = context.getBean(JdbcKnownHosts.class);
            assertThat(store.tableName()).isEqualTo("fleet_pins");
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(tableExists(dataSource, "fleet_pins")).isTrue();
            assertThat(tableExists(dataSource, "tunnel_known_hosts")).isFalse();
            PublicKey key = PublicKey.of(new byte[32]);
            assertThat(store.pinIfAbsent("server.example", key)).isEqualTo(key);
        });
    }

    @Test
    void initializeSchemaNeverLeavesTheTableToTheUser() {
        runner.withPropertyValues("tunnel.client.known-hosts.jdbc.initialize-schema=never").run(context -> {
            assertThat(context).hasSingleBean(JdbcKnownHosts.class)
                .doesNotHaveBean(TunnelJdbcKnownHostsSchemaInitializer.class);
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(tableExists(dataSource, "tunnel_known_hosts")).isFalse();
            JdbcKnownHosts store = context.getBean(JdbcKnownHosts.class);
            assertThatThrownBy(() -> store.lookup("server.example")).isInstanceOf(JdbcKnownHostsException.class)
                .hasMessageStartingWith("JDBC known-hosts store (table tunnel_known_hosts): looking up the key of"
                    + " server.example failed: ");

            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE tunnel_known_hosts (host VARCHAR(255) PRIMARY KEY,"
                    + " public_key VARCHAR(64) NOT NULL, pinned_at TIMESTAMP NOT NULL)");
            }
            assertThat(store.lookup("server.example")).isNull();
        });
    }

    @Test
    void noDataSourceNoJdbcStore() {
        withoutDataSource.run(context -> assertThat(context).doesNotHaveBean(KnownHosts.class)
            .doesNotHaveBean(TunnelJdbcKnownHostsSchemaInitializer.class));
    }

    @Test
    void withoutSpringBootJdbcOnTheClassPathNoJdbcStore() {
        withoutDataSource.withUserConfiguration(OneDataSource.class)
            .withClassLoader(new FilteredClassLoader(DataSourceScriptDatabaseInitializer.class))
            .run(context -> assertThat(context).hasSingleBean(DataSource.class).doesNotHaveBean(KnownHosts.class));
    }

    @Test
    void theUsersKnownHostsWinsAndNoTableIsCreated() {
        runner.withUserConfiguration(UsersKnownHosts.class).run(context -> {
            assertThat(context).hasSingleBean(KnownHosts.class).doesNotHaveBean(JdbcKnownHosts.class)
                .doesNotHaveBean(TunnelJdbcKnownHostsSchemaInitializer.class);
            assertThat(context.getBean(KnownHosts.class)).isSameAs(context.getBean(UsersKnownHosts.class).knownHosts);
            assertThat(tableExists(context.getBean(DataSource.class), "tunnel_known_hosts")).isFalse();
        });
    }

    @Test
    void anotherStoreNamedInConfigurationTurnsTheJdbcStoreOff() {
        runner.withPropertyValues("tunnel.client.known-hosts.store=file")
            .run(context -> assertThat(context).doesNotHaveBean(KnownHosts.class));
        runner.withPropertyValues("tunnel.client.known-hosts.store=jdbc")
            .run(context -> assertThat(context).hasSingleBean(JdbcKnownHosts.class));
    }

    @Test
    void withSeveralDataSourcesThePrimaryOneIsUsedAndWithoutOneNoStore() {
        withoutDataSource.withUserConfiguration(TwoDataSources.class)
            .run(context -> assertThat(context).doesNotHaveBean(KnownHosts.class));
        withoutDataSource.withUserConfiguration(TwoDataSourcesOnePrimary.class).run(context -> {
            assertThat(context).hasSingleBean(JdbcKnownHosts.class);
            assertThat(tableExists(context.getBean("primary", DataSource.class), "tunnel_known_hosts")).isTrue();
            assertThat(tableExists(context.getBean("other", DataSource.class), "tunnel_known_hosts")).isFalse();
        });
    }

    @Test
    void aTableNameThatIsNotAnIdentifierStopsStartUp() {
        runner.withPropertyValues("tunnel.client.known-hosts.jdbc.table-name=pins; DROP TABLE users").run(context ->
            assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("unquoted SQL identifier"));
    }

    @Test
    void aPlatformWithoutAScriptStopsStartUpWhenTheSchemaIsToBeCreated() {
        runner.withPropertyValues("tunnel.client.known-hosts.jdbc.platform=mysql").run(context ->
            assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("schema-mysql.sql"));
    }

    /** On a server database the default (embedded) leaves the schema alone; "always" creates it. */
    @Test
    void onPostgresqlTheSchemaIsCreatedOnlyWhenAskedFor() throws SQLException {
        PostgresTestDatabase.requireRunning();
        String table = PostgresTestDatabase.uniqueTableName("tkh_context");
        ApplicationContextRunner postgres = runner.withPropertyValues(
            "spring.datasource.url=" + PostgresTestDatabase.url(),
            "spring.datasource.username=" + PostgresTestDatabase.USER,
            "spring.datasource.password=" + PostgresTestDatabase.PASSWORD,
            "tunnel.client.known-hosts.jdbc.table-name=" + table);
        try {
            postgres.run(context -> {
                assertThat(context).hasSingleBean(JdbcKnownHosts.class);
                assertThat(tableExists(context.getBean(DataSource.class), table)).isFalse();
            });
            postgres.withPropertyValues("tunnel.client.known-hosts.jdbc.initialize-schema=always").run(context -> {
                assertThat(tableExists(context.getBean(DataSource.class), table)).isTrue();
                JdbcKnownHosts store = context.getBean(JdbcKnownHosts.class);
                PublicKey key = PublicKey.of(new byte[32]);
                assertThat(store.pinIfAbsent("server.example", key)).isEqualTo(key);
            });
            // A second start with "always" finds the table there and keeps its rows.
            postgres.withPropertyValues("tunnel.client.known-hosts.jdbc.initialize-schema=always").run(context ->
                assertThat(context.getBean(JdbcKnownHosts.class).lookup("server.example"))
                    .isEqualTo(PublicKey.of(new byte[32])));
        } finally {
            PostgresTestDatabase.dropTable(table);
        }
    }

    /** With the default mode and a server database that is down, the application still starts. */
    @Test
    void theApplicationStartsWhileItsServerDatabaseIsDown() {
        runner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/test?connectTimeout=10",
            "spring.datasource.driver-class-name=org.postgresql.Driver",
            "spring.datasource.hikari.connection-timeout=1000").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(JdbcKnownHosts.class);
                assertThatThrownBy(() -> context.getBean(JdbcKnownHosts.class).lookup("server.example"))
                    .isInstanceOf(JdbcKnownHostsException.class)
                    .hasMessageContaining("looking up the key of server.example failed");
            });
    }

    static boolean tableExists(DataSource dataSource, String table) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String name : new String[] { table, table.toUpperCase(Locale.ROOT) }) {
                try (ResultSet tables = c.getMetaData().getTables(null, null, name, null)) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    static DataSource embedded() {
        return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).setName(UUID.randomUUID().toString())
            .build();
    }

    @Configuration(proxyBeanMethods = false)
    static class OneDataSource {
        @Bean
        DataSource dataSource() {
            return embedded();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource one() {
            return embedded();
        }

        @Bean
        DataSource two() {
            return embedded();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSourcesOnePrimary {
        @Bean
        @Primary
        DataSource primary() {
            return embedded();
        }

        @Bean
        DataSource other() {
            return embedded();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UsersKnownHosts {
        final InMemoryKnownHosts knownHosts = new InMemoryKnownHosts();

        @Bean
        KnownHosts myKnownHosts() {
            return knownHosts;
        }
    }
}
