package io.github.udptunnel.autoconfigure.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.udptunnel.api.KnownHostsException;
import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.PublicKey;

/**
 * The database goes away while the store is in use, and comes back. It is taken away at the network, by a TCP
 * forwarder between the pool and PostgreSQL that resets every connection and refuses new ones, not by stopping the
 * server: the server is shared by every test on the machine. The pool goes through the forwarder; the checks read
 * the table directly.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresOutageTests {

    private final String table = PostgresTestDatabase.uniqueTableName("tkh_outage");
    private TcpProxy proxy;
    private HikariDataSource throughProxy;
    private HikariDataSource direct;
    private JdbcKnownHosts store;

    @BeforeEach
    void start() throws Exception {
        PostgresTestDatabase.requireRunning();
        proxy = new TcpProxy(PostgresTestDatabase.HOST, PostgresTestDatabase.PORT);
        throughProxy = PostgresTestDatabase.pool(PostgresTestDatabase.url("127.0.0.1", proxy.port()), "pg-proxied", 4);
        direct = PostgresTestDatabase.pool("pg-direct", 2);
        PostgresTestDatabase.createTable(direct, table);
        store = new JdbcKnownHosts(throughProxy, table, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (throughProxy != null) {
                throughProxy.close();
            }
            if (direct != null) {
                direct.close();
            }
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            PostgresTestDatabase.dropTable(table);
        }
    }

    @Test
    void whileTheDatabaseIsCutLookupsAndPinsFailClearlyAndNothingIsHalfWritten() throws Exception {
        Map<String, PublicKey> before = Map.of("one.example", JdbcKnownHostsContractTests.randomKey(),
            "two.example", JdbcKnownHostsContractTests.randomKey(), "three.example",
            JdbcKnownHostsContractTests.randomKey());
        before.forEach((host, key) -> assertThat(store.pinIfAbsent(host, key)).isEqualTo(key));
        assertThat(store.lookup("one.example")).isEqualTo(before.get("one.example"));

        proxy.cut();

        long began = System.nanoTime();
        JdbcKnownHostsException lookup = catchThrowableOfType(JdbcKnownHostsException.class,
            () -> store.lookup("one.example"));
        long lookupMillis = (System.nanoTime() - began) / 1_000_000;
        PublicKey fresh = JdbcKnownHostsContractTests.randomKey();
        began = System.nanoTime();
        JdbcKnownHostsException pin = catchThrowableOfType(JdbcKnownHostsException.class,
            () -> store.pinIfAbsent("four.example", fresh));
        long pinMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(lookup).isNotNull();
        assertThat(lookup.getMessage())
            .startsWith("JDBC known-hosts store (table " + table + "): looking up the key of one.example failed: ")
            .doesNotContain(PostgresTestDatabase.PASSWORD);
        assertThat(lookup.getCause()).isInstanceOf(SQLException.class);
        assertThat(pin).isNotNull();
        assertThat(pin.getMessage())
            .startsWith("JDBC known-hosts store (table " + table + "): pinning the key of four.example failed: ")
            .doesNotContain(PostgresTestDatabase.PASSWORD);
        System.out.printf("[outage] cut: lookup failed after %d ms, pin after %d ms (pool connection timeout 5 s);"
            + " %d connections refused%n  %s%n  %s%n", lookupMillis, pinMillis, proxy.refused(), lookup.getMessage(),
            pin.getMessage());

        // Read past the cut: the pins from before are whole, the failed one left nothing.
        for (Map.Entry<String, PublicKey> pinned : before.entrySet()) {
            assertThat(JdbcKnownHostsContractTests.rows(direct, table, pinned.getKey()))
                .containsExactly(pinned.getValue().toBase64());
        }
        assertThat(JdbcKnownHostsContractTests.rows(direct, table, "four.example")).isEmpty();
        assertThat(JdbcKnownHostsContractTests.count(direct, "SELECT COUNT(*) FROM " + table)).isEqualTo(3);

        proxy.restore();

        assertThat(store.lookup("one.example")).isEqualTo(before.get("one.example"));
        assertThat(store.lookup("four.example")).isNull();
        assertThat(store.pinIfAbsent("four.example", fresh)).isEqualTo(fresh);
        assertThat(store.pinIfAbsent("two.example", fresh)).isEqualTo(before.get("two.example"));
        assertThat(JdbcKnownHostsContractTests.count(direct, "SELECT COUNT(*) FROM " + table)).isEqualTo(4);
    }

    /**
     * Four threads pin fresh hosts without pause; the database is cut under them and restored. Every pin that
     * returned is in the table with its key; every one that failed said so clearly and left either nothing or its own
     * key (a commit whose answer the cut lost), never anything else; the store works again afterwards.
     */
    @Test
    void theDatabaseGoingAwayMidRunLosesNoPinThatSucceededAndWritesNoOther() throws Exception {
        int workers = 4;
        Map<String, PublicKey> proposed = new ConcurrentHashMap<>();
        Map<String, PublicKey> succeeded = new ConcurrentHashMap<>();
        Map<String, String> failed = new ConcurrentHashMap<>();
        CountDownLatch upBeforeCut = new CountDownLatch(200);
        CountDownLatch failuresWhileCut = new CountDownLatch(workers);
        AtomicReference<CountDownLatch> upAfterRestore = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> tasks = new java.util.ArrayList<>();
            for (int w = 0; w < workers; w++) {
                tasks.add(pool.submit(() -> {
                    while (running.get()) {
                        String host = "run-" + next.incrementAndGet() + ".example";
                        PublicKey key = JdbcKnownHostsContractTests.randomKey();
                        proposed.put(host, key);
                        try {
                            assertThat(store.pinIfAbsent(host, key)).isEqualTo(key);
                            succeeded.put(host, key);
                            upBeforeCut.countDown();
                            CountDownLatch after = upAfterRestore.get();
                            if (after != null) {
                                after.countDown();
                            }
                        } catch (JdbcKnownHostsException e) {
                            failed.put(host, e.getMessage());
                            failuresWhileCut.countDown();
                        }
                    }
                    return null;
                }));
            }
            assertThat(upBeforeCut.await(60, TimeUnit.SECONDS)).as("200 pins before the cut").isTrue();
            proxy.cut();
            assertThat(failuresWhileCut.await(90, TimeUnit.SECONDS)).as("every worker fails while cut").isTrue();
            int succeededWhileCut = succeeded.size();
            CountDownLatch after = new CountDownLatch(200);
            upAfterRestore.set(after);
            proxy.restore();
            assertThat(after.await(90, TimeUnit.SECONDS)).as("200 pins after the restore").isTrue();
            running.set(false);
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            System.out.printf("[outage] mid-run: %d pins succeeded (%d by the cut), %d failed, %d connections"
                + " refused while cut%n", succeeded.size(), succeededWhileCut, failed.size(), proxy.refused());
        } finally {
            running.set(false);
            pool.shutdownNow();
        }

        assertThat(failed).isNotEmpty();
        assertThat(failed.values()).allSatisfy(message -> assertThat(message)
            .startsWith("JDBC known-hosts store (table " + table + "): pinning the key of ")
            .doesNotContain(PostgresTestDatabase.PASSWORD));
        for (Map.Entry<String, PublicKey> pinned : succeeded.entrySet()) {
            assertThat(JdbcKnownHostsContractTests.rows(direct, table, pinned.getKey())).as(pinned.getKey())
                .containsExactly(pinned.getValue().toBase64());
        }
        int committedButUnanswered = 0;
        for (String host : failed.keySet()) {
            List<String> rows = JdbcKnownHostsContractTests.rows(direct, table, host);
            assertThat(rows).as(host).isSubsetOf(proposed.get(host).toBase64());
            committedButUnanswered += rows.size();
        }
        long rows = JdbcKnownHostsContractTests.count(direct, "SELECT COUNT(*) FROM " + table);
        assertThat(rows).isEqualTo(succeeded.size() + committedButUnanswered);
        System.out.printf("[outage] mid-run: %d rows = %d successes + %d failed pins whose commit the cut hid%n",
            rows, succeeded.size(), committedButUnanswered);

        // The connect that failed is simply tried again: whether or not its row committed, the same key comes back.
        for (String host : failed.keySet()) {
            assertThat(store.pinIfAbsent(host, proposed.get(host))).as(host).isEqualTo(proposed.get(host));
        }
        assertThat(JdbcKnownHostsContractTests.count(direct, "SELECT COUNT(*) FROM " + table))
            .isEqualTo(succeeded.size() + failed.size());
    }

    /**
     * The tunnel over the store: while the database is cut, a connect that needs it fails with KnownHostsException,
     * and the client endpoint and its open connection carry on; once the database is back, connects work again.
     */
    @Test
    void aCutDatabaseFailsOnlyTheConnectsThatNeedItAndTheTunnelCarriesOn() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Duration patience = Duration.ofMinutes(2);
        try (TunnelEndpoint server = TunnelEndpoint.server(KeyPair.generate(new SecureRandom())).bind(loopback).open();
             TunnelEndpoint client = TunnelEndpoint.client(store)
                 .bind(loopback).open()) {
            TunnelConnection open = client.connect(server.localAddress(), "a.example", patience);
            TunnelConnection accepted = server.accept(patience);

            proxy.cut();
            assertThat(catchThrowableOfType(KnownHostsException.class,
                () -> client.connect(server.localAddress(), "b.example", patience)))
                .hasMessageContaining("b.example").hasMessageContaining("JDBC known-hosts store");
            open.send("still here".getBytes());
            assertThat(accepted.receive(patience)).isEqualTo("still here".getBytes());
            assertThat(client.isOpen()).isTrue();
            assertThat(JdbcKnownHostsContractTests.rows(direct, table, "b.example")).isEmpty();

            proxy.restore();
            TunnelConnection again = client.connect(server.localAddress(), "b.example", patience);
            assertThat(again.serverFingerprint()).isEqualTo(open.serverFingerprint());
            assertThat(JdbcKnownHostsContractTests.rows(direct, table, "b.example")).hasSize(1);
        }
    }
}
