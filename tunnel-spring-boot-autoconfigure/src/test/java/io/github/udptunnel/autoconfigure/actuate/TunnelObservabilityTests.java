package io.github.udptunnel.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import io.github.udptunnel.autoconfigure.TunnelAutoConfiguration;
import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorEndpoint.ConnectionReport;
import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorEndpoint.EndpointReport;
import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorEndpoint.TunnelReport;
import io.github.udptunnel.autoconfigure.SelfServer;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.jdbc.TunnelJdbcKnownHostsAutoConfiguration;
import io.github.udptunnel.autoconfigure.listener.TunnelListener;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.wire.DropReason;

/**
 * The actuator endpoint, health and meters of a server and a client in one context, over real UDP on 127.0.0.1
 * (as in TunnelRoundTripTests): the client reaches its own server under the name "self".
 */
class TunnelObservabilityTests {

    private static final Duration SAFETY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static class Echo {
        @TunnelListener
        String echo(String request) {
            return "echo:" + request;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Echo echo() {
            return new Echo();
        }

        @Bean
        TunnelServerResolver selfResolver(TunnelEndpoints endpoints) {
            return SelfServer.resolver(endpoints);
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TunnelAutoConfiguration.class,
                TunnelActuatorAutoConfiguration.class, TunnelHealthAutoConfiguration.class,
                TunnelMetricsAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues("tunnel.server.port=0", "tunnel.server.address=127.0.0.1",
                "tunnel.server.identity.key-file=" + dir.resolve("server.key"),
                "tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory",
                "tunnel.client.reply-timeout=20s", "tunnel.client.close-drain=300ms",
                "management.endpoints.web.exposure.include=tunnel,health");
    }

    private static void roundTrips(TunnelTemplate template, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(template.sendAndReceive("self", "hi-" + i, String.class)).isEqualTo("echo:hi-" + i);
        }
    }

    @Test
    void theEndpointShowsBothEndsAndTheirConnectionWithItsCounters() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TunnelActuatorEndpoint.class);
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            roundTrips(template, 20);
            KeyPair key = context.getBean(KeyPair.class);
            TunnelActuatorEndpoint endpoint = context.getBean(TunnelActuatorEndpoint.class);

            TunnelReport report = endpoint.tunnel();
            assertThat(report.endpoints()).extracting(EndpointReport::role).containsExactly("server", "client");
            EndpointReport server = report.endpoints().get(0);
            assertThat(server.open()).isTrue();
            assertThat(server.keyFingerprint()).isEqualTo(key.publicKey().fingerprint());
            assertThat(server.localAddress()).startsWith("127.0.0.1:");
            assertThat(server.maxConnections()).isPositive();
            assertThat(server.openConnections()).isEqualTo(1);
            assertThat(server.counters().keySet()).containsExactlyElementsOf(
                List.of(Counter.values()).stream().map(Counter::metricName).toList());
            assertThat(server.drops().keySet()).containsExactlyElementsOf(
                List.of(DropReason.values()).stream().map(DropReason::metricName).toList());
            assertThat(server.counters().get("data-received")).isGreaterThanOrEqualTo(20);
            assertThat(server.counters().get("handshakes-completed")).isEqualTo(1);

            assertThat(server.connections()).hasSize(1);
            ConnectionReport row = server.connections().get(0);
            assertThat(row.closable()).isTrue();
            assertThat(row.ageMillis()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(row.lastActivityMillisAgo()).isNotNull();
            assertThat(row.packetsReceived()).isPositive();
            assertThat(row.packetsSent()).isPositive();
            assertThat(row.bytesReceived()).isPositive();
            assertThat(row.bytesSent()).isPositive();
            assertThat(row.rttMillis()).isNotNull().isPositive();
            assertThat(row.window()).isPositive();
            assertThat(row.id()).isEqualTo("server/" + row.peer());
            assertThat(row.peerKeyFingerprint()).as("the client's key for this connection, C'").startsWith("SHA256:")
                .isNotEqualTo(key.publicKey().fingerprint());

            EndpointReport client = report.endpoints().get(1);
            assertThat(client.keyFingerprint()).isNull();
            assertThat(client.connections()).singleElement().satisfies(c -> {
                assertThat(c.peer()).isEqualTo(server.localAddress());
                assertThat(c.peerKeyFingerprint()).isEqualTo(key.publicKey().fingerprint());
                assertThat(c.closable()).isTrue();
                assertThat(c.packetsSent()).isPositive();
            });

            assertThat(endpoint.connection("server", row.peer())).isNotNull()
                .extracting(ConnectionReport::peer).isEqualTo(row.peer());
            assertThat(endpoint.connection("server", "10.9.9.9:1")).isNull();
            assertThat(endpoint.connection("neither", row.peer())).isNull();

            String json = JsonMapper.builder().build().writeValueAsString(report)
                + JsonMapper.builder().build().writeValueAsString(endpoint.connection("server", row.peer()));
            assertThat(json).contains(key.publicKey().fingerprint()).contains("\"data-received\"")
                .doesNotContain(key.privateKeyBase64())
                .doesNotContain(key.privateKeyBase64().replace('+', '-').replace('/', '_').replace("=", ""));
        });
    }

    /**
     * No cookie secret (minute key), private key or connection key can reach the endpoint's output: its reports are
     * records of names, addresses, fingerprints and numbers only, which this checks type by type (a field added later
     * that could carry bytes or a key fails here).
     */
    @Test
    void theEndpointsReportsCanHoldNoSecret() {
        java.util.Set<Class<?>> allowed = java.util.Set.of(String.class, long.class, Long.class, int.class,
            Integer.class, double.class, Double.class, boolean.class, Boolean.class);
        java.util.ArrayDeque<Class<?>> toCheck = new java.util.ArrayDeque<>(List.of(
            TunnelActuatorEndpoint.TunnelReport.class, TunnelActuatorEndpoint.CloseResult.class));
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        while (!toCheck.isEmpty()) {
            Class<?> record = toCheck.poll();
            if (!seen.add(record)) {
                continue;
            }
            assertThat(record.isRecord()).as("%s is a record", record).isTrue();
            for (java.lang.reflect.RecordComponent c : record.getRecordComponents()) {
                java.lang.reflect.Type type = c.getGenericType();
                if (type instanceof java.lang.reflect.ParameterizedType p) {
                    for (java.lang.reflect.Type argument : p.getActualTypeArguments()) {
                        Class<?> a = (Class<?>) argument;
                        if (a.isRecord()) {
                            toCheck.add(a);
                        } else {
                            assertThat(allowed).as("%s.%s holds %s", record.getSimpleName(), c.getName(), a)
                                .contains(a);
                        }
                    }
                } else if (c.getType().isRecord()) {
                    toCheck.add(c.getType());
                } else {
                    assertThat(allowed).as("%s.%s is a %s", record.getSimpleName(), c.getName(), c.getType())
                        .contains(c.getType());
                }
            }
        }
        assertThat(seen).contains(TunnelActuatorEndpoint.EndpointReport.class,
            TunnelActuatorEndpoint.ConnectionReport.class);
    }

    @Test
    void deletingAConnectionClosesItAndTheClientSeesTheClose() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            roundTrips(template, 3);
            assertThat(template.isConnected("self")).isTrue();
            TunnelActuatorEndpoint endpoint = context.getBean(TunnelActuatorEndpoint.class);
            String peer = endpoint.tunnel().endpoints().get(0).connections().get(0).peer();

            assertThat(endpoint.close("server", "10.9.9.9:1").closed()).isFalse();
            assertThat(endpoint.close("server", peer).closed()).isTrue();

            Awaitility.await().atMost(SAFETY).until(() -> !template.isConnected("self"));
            Awaitility.await().atMost(SAFETY).until(() -> endpoint.connection("server", peer) == null);
            roundTrips(template, 1);  // the next call opens a new connection
            assertThat(endpoint.tunnel().endpoints().get(0).counters().get("connections-opened")).isEqualTo(2);
        });
    }

    @Test
    void healthIsUpWhileTheEndpointsAreOpenAndDownOnceTheServerIsClosedUnderneath() {
        runner().run(context -> {
            HealthIndicator health = context.getBean("tunnelHealthIndicator", HealthIndicator.class);
            var up = health.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsOnlyKeys("server", "client");
            @SuppressWarnings("unchecked")
            Map<String, Object> server = (Map<String, Object>) up.getDetails().get("server");
            assertThat(server).containsEntry("open", true).containsKeys("localAddress", "connections", "capacity");

            context.getBean(TunnelEndpoints.class).serverEndpoint().close(Duration.ZERO);
            var down = health.health(true);
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Object> closed = (Map<String, Object>) down.getDetails().get("server");
            assertThat(closed).containsEntry("open", false);
        });
    }

    @Test
    void theMetersCountTrafficWithTheSameTagKeysOnEverySeriesOfAName() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            roundTrips(template, 10);
            template.send("self", "one-way");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(TunnelMeterBinder.class).bindTo(registry);

            assertThat(registry.get("tunnel.packets").tags("role", "server", "type", "data", "direction", "received")
                .functionCounter().count()).isGreaterThanOrEqualTo(10);
            assertThat(registry.get("tunnel.packets").tags("role", "client", "type", "hello", "direction", "sent")
                .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("tunnel.bytes").tags("role", "client", "direction", "sent")
                .functionCounter().count()).isPositive();
            assertThat(registry.get("tunnel.handshakes").tags("role", "server", "result", "completed")
                .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("tunnel.drops").tags("role", "server").functionCounters())
                .hasSize(DropReason.values().length);
            assertThat(registry.get("tunnel.drops").tags("role", "server", "reason", "box-invalid")
                .functionCounter().count()).isZero();
            assertThat(registry.get("tunnel.retransmits").tags("role", "client").functionCounter()).isNotNull();
            assertThat(registry.get("tunnel.connections.active").tags("role", "server").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tunnel.connections.max").tags("role", "server").gauge().value()).isPositive();
            assertThat(registry.get("tunnel.up").tags("role", "client").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tunnel.rtt.mean").tags("role", "client").gauge().value()).isPositive();
            // The RTT histogram: cumulative buckets, the last (+Inf) holding every sample.
            double all = registry.get("tunnel.rtt.samples").tags("role", "client", "le_seconds", "+Inf").functionCounter().count();
            assertThat(all).isPositive();
            // Read after +Inf, and acks may still be arriving: every sample counted then is in the 5 s bucket now.
            assertThat(registry.get("tunnel.rtt.samples").tags("role", "client", "le_seconds", "5.0").functionCounter().count())
                .as("loopback RTTs are all below 5 s").isGreaterThanOrEqualTo(all);
            assertThat(registry.get("tunnel.rtt.samples").tags("role", "client").functionCounters())
                .hasSize(io.github.udptunnel.engine.EngineStats.rttBucketBoundsNanos().length + 1);
            FunctionTimer requests = registry.get("tunnel.template.requests")
                .tags("role", "client", "outcome", "success").functionTimer();
            assertThat(requests.count()).isEqualTo(10);
            assertThat(requests.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("tunnel.template.sends").tags("role", "client", "outcome", "success")
                .functionCounter().count()).isEqualTo(1);
            Awaitility.await().atMost(SAFETY).until(() -> registry.get("tunnel.listener.calls")
                .tags("role", "server", "outcome", "handled").functionTimer().count() == 11);
            FunctionCounter replies = registry.get("tunnel.listener.replies").tags("role", "server", "outcome", "reply")
                .functionCounter();
            assertThat(replies.count()).isEqualTo(10);
            assertThat(registry.find("tunnel.connection.rtt").meters()).as("per-connection is opt-in").isEmpty();

            Map<String, Set<Set<String>>> tagKeys = new HashMap<>();
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().getName()).startsWith("tunnel.");
                assertThat(m.getId().getTag("role")).isIn("server", "client");
                assertThat(m.getId().getDescription()).isNotBlank();
                tagKeys.computeIfAbsent(m.getId().getName(), n -> new HashSet<>())
                    .add(m.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toSet()));
            }
            assertThat(tagKeys).allSatisfy((name, keys) -> assertThat(keys).as(name).hasSize(1));
        });
    }

    @Test
    void perConnectionRttIsPublishedWhenAskedFor() {
        runner().withPropertyValues("tunnel.metrics.per-connection=true", "tunnel.metrics.per-connection-refresh=100ms")
            .run(context -> {
                roundTrips(context.getBean(TunnelTemplate.class), 3);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(TunnelMeterBinder.class).bindTo(registry);
                Awaitility.await().atMost(SAFETY).until(() ->
                    registry.find("tunnel.connection.rtt").tags("role", "server").gauges().size() == 1);
                assertThat(registry.get("tunnel.connection.rtt").tags("role", "client").gauge().getId().getTag("peer"))
                    .isEqualTo(context.getBean(TunnelActuatorEndpoint.class).tunnel().endpoints().get(0).localAddress());
            });
    }

    @Test
    void theStarterStartsWithoutTheActuatorHealthOrMicrometer() {
        runner().withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, MeterBinder.class))
            .run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(TunnelTemplate.class)
                    .doesNotHaveBean(TunnelActuatorEndpoint.class).doesNotHaveBean(TunnelHealthIndicator.class)
                    .doesNotHaveBean(TunnelMeterBinder.class);
                roundTrips(context.getBean(TunnelTemplate.class), 1);
            });
    }

    /** Web endpoint discovery names @Selector parameters from the bytecode: without -parameters the app fails. */
    @Test
    void theSelectorParametersKeepTheirNames() throws NoSuchMethodException {
        for (String operation : List.of("connection", "close")) {
            var parameters = TunnelActuatorEndpoint.class.getMethod(operation, String.class, String.class).getParameters();
            assertThat(parameters).allSatisfy(p -> assertThat(p.isNamePresent()).isTrue());
            assertThat(parameters[0].getName()).isEqualTo("role");
            assertThat(parameters[1].getName()).isEqualTo("peer");
        }
    }

    @Test
    void theEndpointBacksOffWhenNotExposed() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=health")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TunnelActuatorEndpoint.class)
                .hasSingleBean(TunnelHealthIndicator.class));
        runner().withPropertyValues("management.health.tunnel.enabled=false")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TunnelHealthIndicator.class));
    }

    @Test
    void aJdbcKnownHostsStoreHasAHealthContributorOfItsOwn() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                TunnelJdbcKnownHostsAutoConfiguration.class, TunnelAutoConfiguration.class,
                TunnelHealthAutoConfiguration.class))
            .withPropertyValues("tunnel.client.known-hosts.store=jdbc", "tunnel.client.enabled=true")
            .run(context -> {
                assertThat(context).hasNotFailed();
                HealthIndicator store = context.getBean("tunnelKnownHostsHealthIndicator", HealthIndicator.class);
                var health = store.health(true);
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("table", "tunnel_known_hosts");
                javax.sql.DataSource dataSource = context.getBean(javax.sql.DataSource.class);
                try (var c = dataSource.getConnection(); var s = c.createStatement()) {
                    s.execute("DROP TABLE tunnel_known_hosts");
                }
                assertThat(store.health(true).getStatus()).isEqualTo(Status.DOWN);
            });
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                TunnelJdbcKnownHostsAutoConfiguration.class, TunnelAutoConfiguration.class,
                TunnelHealthAutoConfiguration.class))
            .withPropertyValues("tunnel.client.known-hosts.store=jdbc", "tunnel.client.enabled=true",
                "management.health.tunnelKnownHosts.enabled=false")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcKnownHostsHealthIndicator.class)
                .hasSingleBean(TunnelHealthIndicator.class));
    }
}
