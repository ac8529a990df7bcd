package io.github.udptunnel.autoconfigure.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * psql and pgbench, unchanged, through a forward to the machine's real PostgreSQL (127.0.0.1:5432, user postgres,
 * trust authentication; CI starts it in .ci/run, and installs the client programs when they are missing). The
 * database pgbench fills is made for the run and dropped afterwards, directly, not through the forward.
 */
class PostgresThroughForwardTests {

    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGCONNECT_TIMEOUT", "30");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail("These tests run " + command.get(0) + " (Debian's postgresql-client; .ci/run installs it): "
                + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {  // a safety net only
            p.destroyForcibly();
            return fail(command + " did not end:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    static List<String> psql(int port, String database, String sql) {
        return List.of("psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-tAc", sql);
    }

    static List<String> pgbench(int port, String database, String... args) {
        List<String> c = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p", String.valueOf(port),
            "-U", "postgres"));
        c.addAll(List.of(args));
        c.add(database);
        return c;
    }

    @Test
    void psqlRunsAQueryAndPgbenchFinishesWithNoFailedTransaction() throws Exception {
        Result up = run(psql(5432, "test", "SELECT 1"));
        assertThat(up.exit()).as("PostgreSQL at 127.0.0.1:5432 (CI starts it in .ci/run): %s", up.output()).isZero();
        String database = "tunnel_forward_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
        ForwardContexts.runner(dir)
            .withPropertyValues("tunnel.server.services.postgres=127.0.0.1:5432",
                "tunnel.client.forwards.pg.local-port=0", "tunnel.client.forwards.pg.server=self",
                "tunnel.client.forwards.pg.service=postgres")
            .run(context -> {
                InetSocketAddress local = context.getBean(TunnelForwarder.class).forward("pg").localAddress();
                int port = local.getPort();
                try {
                    Result query = run(psql(port, "test", "SELECT 6 * 7, current_user"));
                    assertThat(query.exit()).as(query.output()).isZero();
                    assertThat(query.output().strip()).isEqualTo("42|postgres");

                    Result created = run(psql(port, "test", "CREATE DATABASE " + database));
                    assertThat(created.exit()).as(created.output()).isZero();
                    Result init = run(pgbench(port, database, "-i", "-s", "1", "-q"));
                    assertThat(init.exit()).as(init.output()).isZero();

                    Result bench = run(pgbench(port, database, "-c", "8", "-j", "2", "-T", "20"));
                    assertThat(bench.exit()).as(bench.output()).isZero();
                    assertThat(number(bench.output(), "number of failed transactions: (\\d+)")).as(bench.output())
                        .isZero();
                    assertThat(number(bench.output(), "number of transactions actually processed: (\\d+)"))
                        .as(bench.output()).isPositive();
                } finally {
                    run(psql(5432, "test", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)"));
                }
                ForwardStats stats = context.getBean(TunnelForwarder.class).forward("pg").stats();
                assertThat(stats.opened()).isGreaterThanOrEqualTo(8);
                assertThat(stats.failuresByCode().values()).containsOnly(0L);
            });
    }

    static long number(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("'%s' in:%n%s", regex, output).isTrue();
        return Long.parseLong(m.group(1));
    }
}
