package io.github.udptunnel.autoconfigure.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts.InsertMode;
import io.github.udptunnel.crypto.PublicKey;

/**
 * What every database must show the store doing. A subclass gives two data sources to one database, each its own
 * pool (two application instances), and a table that exists for the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcKnownHostsContractTests {

    static final int THREADS_PER_CLIENT = 4;
    static final int ROUNDS = 250;
    static final SecureRandom RANDOM = new SecureRandom();

    /** The first application instance's pool. */
    abstract DataSource clientA();

    /** The second application instance's pool, to the same database. */
    abstract DataSource clientB();

    abstract String table();

    /** The insert modes the two clients race with: AUTO always; on PostgreSQL also the portable fallback. */
    abstract Stream<Arguments> insertModes();

    static PublicKey randomKey() {
        byte[] key = new byte[PublicKey.SIZE];
        RANDOM.nextBytes(key);
        return PublicKey.of(key);
    }

    static String uniqueHost(String prefix) {
        return prefix + "-" + Long.toHexString(RANDOM.nextLong()) + ".example";
    }

    JdbcKnownHosts store(DataSource dataSource) {
        return new JdbcKnownHosts(dataSource, table(), Duration.ofSeconds(10));
    }

    @Test
    void aHostNeverPinnedHasNoKey() {
        assertThat(store(clientA()).lookup(uniqueHost("never"))).isNull();
    }

    @Test
    void theFirstPinIsKeptAndNeverOverwritten() throws SQLException {
        JdbcKnownHosts store = store(clientA());
        String host = uniqueHost("pin");
        PublicKey first = randomKey();
        PublicKey second = randomKey();

        assertThat(store.pinIfAbsent(host, first)).isEqualTo(first);
        assertThat(store.lookup(host)).isEqualTo(first);
        assertThat(store.pinIfAbsent(host, second)).as("a second pin returns the first key").isEqualTo(first);
        assertThat(store.pinIfAbsent(host, first)).isEqualTo(first);
        assertThat(store.lookup(host)).isEqualTo(first);
        assertThat(rows(clientA(), host)).containsExactly(first.toBase64());
    }

    @Test
    void aPinIsSeenAtOnceByAnotherInstance() {
        JdbcKnownHosts a = store(clientA());
        JdbcKnownHosts b = store(clientB());
        String host = uniqueHost("shared");
        PublicKey key = randomKey();
        assertThat(b.lookup(host)).isNull();
        assertThat(a.pinIfAbsent(host, key)).isEqualTo(key);
        assertThat(b.lookup(host)).isEqualTo(key);
        assertThat(b.pinIfAbsent(host, randomKey())).isEqualTo(key);
    }

    @Test
    void hostNamesAreCheckedBeforeTheDatabase() {
        JdbcKnownHosts store = store(clientA());
        assertThatThrownBy(() -> store.lookup(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.pinIfAbsent("h".repeat(256), randomKey()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
        String longest = "h".repeat(255);
        PublicKey key = randomKey();
        assertThat(store.pinIfAbsent(longest, key)).isEqualTo(key);
        assertThat(store.lookup(longest)).isEqualTo(key);
    }

    @Test
    void aMalformedRowIsReportedNotTrusted() throws SQLException {
        String host = uniqueHost("malformed");
        try (Connection c = clientA().getConnection(); PreparedStatement s = c.prepareStatement(
            "INSERT INTO " + table() + " (host, public_key, pinned_at) VALUES (?, 'not a key', CURRENT_TIMESTAMP)")) {
            s.setString(1, host);
            s.executeUpdate();
        }
        JdbcKnownHosts store = store(clientA());
        assertThatThrownBy(() -> store.lookup(host)).isInstanceOf(JdbcKnownHostsException.class)
            .hasMessageContaining(table()).hasMessageContaining(host).hasMessageContaining("not a public key");
        assertThatThrownBy(() -> store.pinIfAbsent(host, randomKey())).isInstanceOf(JdbcKnownHostsException.class);
        assertThat(rows(clientA(), host)).containsExactly("not a key");
    }

    @Test
    void aMissingTableFailsWithTheStoreAndTheOperation() {
        JdbcKnownHosts store = new JdbcKnownHosts(clientA(), table() + "_missing", Duration.ofSeconds(10));
        assertThatThrownBy(() -> store.lookup("gone.example")).isInstanceOf(JdbcKnownHostsException.class)
            .hasMessageStartingWith("JDBC known-hosts store (table " + table() + "_missing): looking up the key of"
                + " gone.example failed: ");
        assertThatThrownBy(() -> store.pinIfAbsent("gone.example", randomKey()))
            .isInstanceOf(JdbcKnownHostsException.class)
            .hasMessageContaining("pinning the key of gone.example failed");
    }

    /**
     * Two instances, each with its own pool and {@value #THREADS_PER_CLIENT} threads, pin a fresh host per round, all
     * released together by a barrier, each with a key of its own: every thread gets the same key back, exactly one
     * thread's key won, and the table holds one row per host with that key.
     */
    @ParameterizedTest(name = "client A {0}, client B {1}")
    @MethodSource("insertModes")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoInstancesPinningTheSameHostAtOnceAgreeOnOneKey(InsertMode modeA, InsertMode modeB) throws Exception {
        JdbcKnownHosts a = new JdbcKnownHosts(clientA(), table(), Duration.ofSeconds(10), modeA);
        JdbcKnownHosts b = new JdbcKnownHosts(clientB(), table(), Duration.ofSeconds(10), modeB);
        int threads = 2 * THREADS_PER_CLIENT;
        String prefix = uniqueHost("race-" + modeA + "-" + modeB);
        PublicKey[][] proposed = new PublicKey[ROUNDS][threads];
        PublicKey[][] returned = new PublicKey[ROUNDS][threads];
        for (PublicKey[] round : proposed) {
            for (int t = 0; t < threads; t++) {
                round[t] = randomKey();
            }
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long began = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                JdbcKnownHosts store = t % 2 == 0 ? a : b;
                workers.add(pool.submit(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        start.await(60, TimeUnit.SECONDS);
                        returned[r][thread] = store.pinIfAbsent(prefix + "-" + r, proposed[r][thread]);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - began) / 1_000_000;

        int winners = 0;
        int wonByA = 0;
        for (int r = 0; r < ROUNDS; r++) {
            PublicKey agreed = returned[r][0];
            int won = 0;
            for (int t = 0; t < threads; t++) {
                assertThat(returned[r][t]).as("round %d thread %d", r, t).isEqualTo(agreed);
                if (proposed[r][t].equals(agreed)) {
                    won++;
                    wonByA += t % 2 == 0 ? 1 : 0;
                }
            }
            assertThat(won).as("round %d: the key kept is exactly one thread's", r).isEqualTo(1);
            winners += won;
            assertThat(rows(clientB(), prefix + "-" + r)).as("round %d", r).containsExactly(agreed.toBase64());
        }
        assertThat(count(clientA(), "SELECT COUNT(*) FROM " + table() + " WHERE host LIKE '" + prefix + "-%'"))
            .isEqualTo(ROUNDS);
        assertThat(count(clientA(), "SELECT COUNT(DISTINCT host) FROM " + table() + " WHERE host LIKE '" + prefix
            + "-%'")).isEqualTo(ROUNDS);
        System.out.printf("[%s] %s/%s: %d rounds x %d threads (2 pools) = %d pins in %d ms; %d rows, one per host;"
                + " %d first pins (%d by instance A, %d by B), %d pins returned another's key%n",
            getClass().getSimpleName(), modeA, modeB, ROUNDS, threads, ROUNDS * threads, millis, ROUNDS, winners,
            wonByA, winners - wonByA, ROUNDS * threads - winners);
        assertThat(wonByA).as("both instances win some rounds: the race is real").isBetween(1, ROUNDS - 1);
    }

    List<String> rows(DataSource dataSource, String host) throws SQLException {
        return rows(dataSource, table(), host);
    }

    /** Every key stored for {@code host}, read straight from the table. */
    static List<String> rows(DataSource dataSource, String table, String host) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT public_key FROM " + table + " WHERE host = ?")) {
            s.setString(1, host);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
        }
        return keys;
    }

    static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
