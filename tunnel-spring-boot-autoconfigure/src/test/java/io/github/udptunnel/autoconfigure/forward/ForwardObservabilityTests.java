package io.github.udptunnel.autoconfigure.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorAutoConfiguration;
import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorEndpoint;
import io.github.udptunnel.autoconfigure.actuate.TunnelActuatorEndpoint.ForwardReport;
import io.github.udptunnel.autoconfigure.actuate.TunnelForwardMeterBinder;
import io.github.udptunnel.autoconfigure.actuate.TunnelMetricsAutoConfiguration;

/** Forwards in the {@code tunnel} actuator endpoint and the {@code tunnel.forward.*} meters. */
class ForwardObservabilityTests {

    @TempDir
    Path dir;

    @Test
    void forwardsShowTheirConnectionsBytesAndFailuresByReason() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            ForwardContexts.runner(dir, TunnelActuatorAutoConfiguration.class, TunnelMetricsAutoConfiguration.class)
                .withPropertyValues(ForwardContexts.forwardTo("echo", echo.address()))
                .withPropertyValues("management.endpoints.web.exposure.include=tunnel",
                    "tunnel.client.forwards.nope.local-port=0", "tunnel.client.forwards.nope.server=self")
                .run(context -> {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(TunnelForwardMeterBinder.class).bindTo(registry);
                    TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                    try (Socket s = TcpTargets.connect(forwarder.forward("echo").localAddress())) {
                        s.getOutputStream().write("0123456789".getBytes(StandardCharsets.UTF_8));
                        assertThat(s.getInputStream().readNBytes(10)).hasSize(10);
                        // Open now: the gauge and the endpoint's row see it.
                        assertThat(registry.get("tunnel.forward.connections.active")
                            .tags("role", "client", "forward", "echo").gauge().value()).isEqualTo(1);
                        assertThat(row(context.getBean(TunnelActuatorEndpoint.class), "client", "echo").active())
                            .isEqualTo(1);
                    }
                    try (Socket s = TcpTargets.connect(forwarder.forward("nope").localAddress())) {
                        assertThat(s.getInputStream().read(new byte[1])).isLessThanOrEqualTo(0);
                    } catch (java.net.SocketException reset) {
                        // the refusal resets the socket: that is what is expected
                    }
                    // Bytes are counted after each write: once both ends have let the connection go, all are.
                    for (String role : new String[] {"server", "client"}) {
                        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> registry
                            .get("tunnel.forward.connections.active").tags("role", role, "forward", "echo")
                            .gauge().value() == 0);
                    }

                    assertThat(registry.get("tunnel.forward.connections").tags("role", "client", "forward", "echo")
                        .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("tunnel.forward.bytes")
                        .tags("role", "server", "forward", "echo", "direction", "upstream")
                        .functionCounter().count()).isEqualTo(10);
                    assertThat(registry.get("tunnel.forward.bytes")
                        .tags("role", "client", "forward", "echo", "direction", "downstream")
                        .functionCounter().count()).isEqualTo(10);
                    assertThat(registry.get("tunnel.forward.failures")
                        .tags("role", "client", "forward", "nope", "reason", "unknown-service")
                        .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("tunnel.forward.failures")
                        .tags("role", "server", "forward", ServiceForwarder.UNKNOWN, "reason", "unknown-service")
                        .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("tunnel.forward.failures").tags("role", "client", "forward", "echo")
                        .functionCounters()).hasSize(ForwardFailure.values().length);

                    // A forward the application opens later gets its meters when it opens.
                    forwarder.open(new TunnelForwarder.Spec("later", new java.net.InetSocketAddress("127.0.0.1", 0),
                        "self", "echo"));
                    assertThat(registry.get("tunnel.forward.connections").tags("role", "client", "forward", "later")
                        .functionCounter().count()).isZero();

                    TunnelActuatorEndpoint endpoint = context.getBean(TunnelActuatorEndpoint.class);
                    ForwardReport client = row(endpoint, "client", "echo");
                    assertThat(client.listening()).isEqualTo("127.0.0.1:" + forwarder.forward("echo").localAddress()
                        .getPort());
                    assertThat(client.target()).isEqualTo("server self, service echo");
                    assertThat(client.connections()).isEqualTo(1);
                    assertThat(client.upstreamBytes()).isEqualTo(10);
                    ForwardReport server = row(endpoint, "server", "echo");
                    assertThat(server.target()).isEqualTo(echo.address());
                    assertThat(server.listening()).isNull();
                    assertThat(row(endpoint, "client", "nope").failures()).containsEntry("unknown-service", 1L);
                });
        }
    }

    static ForwardReport row(TunnelActuatorEndpoint endpoint, String role, String name) {
        return endpoint.tunnel().forwards().stream().filter(f -> f.role().equals(role) && f.name().equals(name))
            .findFirst().orElseThrow();
    }
}
