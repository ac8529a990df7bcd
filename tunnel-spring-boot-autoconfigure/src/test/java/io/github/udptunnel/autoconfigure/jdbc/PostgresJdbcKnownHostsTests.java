package io.github.udptunnel.autoconfigure.jdbc;

import java.sql.SQLException;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

import io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts.InsertMode;

/**
 * The store on the machine's real PostgreSQL, in a table of this run's own. The two instances race with
 * {@code ON CONFLICT DO NOTHING} (what the store picks on PostgreSQL), with the portable duplicate-key fallback, and
 * one with each: all three agree.
 */
class PostgresJdbcKnownHostsTests extends JdbcKnownHostsContractTests {

    private final String table = PostgresTestDatabase.uniqueTableName("tkh_contract");
    private HikariDataSource a;
    private HikariDataSource b;

    @BeforeAll
    void createTable() {
        PostgresTestDatabase.requireRunning();
        a = PostgresTestDatabase.pool("pg-a", THREADS_PER_CLIENT);
        b = PostgresTestDatabase.pool("pg-b", THREADS_PER_CLIENT);
        PostgresTestDatabase.createTable(a, table);
    }

    @AfterAll
    void dropTable() throws SQLException {
        try {
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        } finally {
            PostgresTestDatabase.dropTable(table);
        }
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
        return table;
    }

    @Override
    Stream<Arguments> insertModes() {
        return Stream.of(Arguments.of(InsertMode.AUTO, InsertMode.AUTO),
            Arguments.of(InsertMode.ON_CONFLICT, InsertMode.PORTABLE),
            Arguments.of(InsertMode.PORTABLE, InsertMode.PORTABLE));
    }
}
