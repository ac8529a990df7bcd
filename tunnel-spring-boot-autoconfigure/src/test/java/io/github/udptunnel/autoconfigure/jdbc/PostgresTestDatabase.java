package io.github.udptunnel.autoconfigure.jdbc;

import static org.assertj.core.api.Assertions.fail;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, user postgres, trust authentication, database {@code test}), which CI
 * starts in {@code .ci/run}. Tests that need it fail, not skip, when it is down. Each test class works in a table of
 * its own, named for the run, and drops it afterwards.
 */
final class PostgresTestDatabase {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5432;
    static final String DATABASE = "test";
    static final String USER = "postgres";
    /** Trust authentication ignores it; tests check that it never shows in a message. */
    static final String PASSWORD = "pw-must-never-show-4f9c";
    /** Short enough that nothing hangs when the database goes away, generous for a busy machine. */
    static final String TIMEOUTS = "connectTimeout=10&socketTimeout=30";

    private PostgresTestDatabase() {
    }

    static String url(String host, int port) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE + "?" + TIMEOUTS;
    }

    static String url() {
        return url(HOST, PORT);
    }

    /** Fails the calling test, saying how to start PostgreSQL, when the server does not answer. */
    static void requireRunning() {
        try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD)) {
            c.createStatement().execute("SELECT 1");
        } catch (SQLException e) {
            fail("These tests need PostgreSQL at " + HOST + ":" + PORT + " (user " + USER + ", trust authentication,"
                + " database '" + DATABASE + "'), and it did not answer [" + e.getMessage() + "]. CI starts it in"
                + " .ci/run; by hand: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        }
    }

    /** A pool of its own, as a second application instance would have. */
    static HikariDataSource pool(String url, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(USER);
        config.setPassword(PASSWORD);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    static HikariDataSource pool(String name, int size) {
        return pool(url(), name, size);
    }

    static String uniqueTableName(String prefix) {
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        return prefix + "_" + HexFormat.of().formatHex(random);
    }

    /** Creates the table with the store's own PostgreSQL script, as initialize-schema=always would. */
    static void createTable(DataSource dataSource, String table) {
        TunnelJdbcKnownHostsProperties properties = new TunnelJdbcKnownHostsProperties();
        properties.setTableName(table);
        properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
        TunnelJdbcKnownHostsSchemaInitializer initializer =
            new TunnelJdbcKnownHostsSchemaInitializer(dataSource, properties);
        initializer.setResourceLoader(new DefaultResourceLoader());
        if (!initializer.initializeDatabase()) {
            fail("the schema script did not run for " + table);
        }
    }

    static void dropTable(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + JdbcKnownHosts.requireValidTableName(table));
        }
    }
}
