package io.github.udptunnel.autoconfigure.jdbc;

import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;

import io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts.InsertMode;

/** The store on an in-memory H2 database, shared by two pools; H2 takes the portable insert (duplicate key). */
class H2JdbcKnownHostsTests extends JdbcKnownHostsContractTests {

    private final String url = "jdbc:h2:mem:known-hosts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private HikariDataSource a;
    private HikariDataSource b;

    @BeforeAll
    void createDatabase() {
        a = pool("h2-a");
        b = pool("h2-b");
        TunnelJdbcKnownHostsProperties properties = new TunnelJdbcKnownHostsProperties();
        properties.setInitializeSchema(DatabaseInitializationMode.EMBEDDED);
        TunnelJdbcKnownHostsSchemaInitializer initializer = new TunnelJdbcKnownHostsSchemaInitializer(a, properties);
        initializer.setResourceLoader(new DefaultResourceLoader());
        if (!initializer.initializeDatabase()) {
            throw new AssertionError("an in-memory H2 database is embedded: the schema should have run");
        }
    }

    private HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPoolName(name);
        config.setMaximumPoolSize(THREADS_PER_CLIENT);
        return new HikariDataSource(config);
    }

    @AfterAll
    void closePools() {
        b.close();
        a.close();
    }

    @Override
    DataSource clientA() {
        return a;
    }

    @Override
    DataSource clientB() {
        return b;
    }

    @Override
    String table() {
        return JdbcKnownHosts.DEFAULT_TABLE_NAME;
    }

    @Override
    Stream<Arguments> insertModes() {
        return Stream.of(Arguments.of(InsertMode.AUTO, InsertMode.AUTO));
    }
}
