package io.github.udptunnel.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;
import io.github.udptunnel.autoconfigure.client.UnknownTunnelServerException;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo as README's first command runs it (server and client in one service), on a free port. */
@SpringBootTest(properties = {"tunnel.server.port=0", "demo.interval=20ms",
    "tunnel.server.identity.key-file=target/demo-test/server.key",
    "tunnel.client.known-hosts.file=target/demo-test/known_hosts"})
@ExtendWith(OutputCaptureExtension.class)
class DemoApplicationTest {

    @Autowired
    GreetingTraffic traffic;

    @Test
    void theClientKeepsGreetingTheServerThroughTheTunnel(CapturedOutput output) {
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> traffic.replies() >= 20);
        assertThat(output).contains("Tunnel server bound to", "you said \"greeting 1\"", "you said \"greeting 20\"");
    }

    /** A server bound to every address (::) is reached on loopback. */
    private static InetSocketAddress loopback(InetSocketAddress bound) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }

    /** The server is bound to port 0 here: the client finds it where it really is. */
    @TestConfiguration
    static class FindTheServerWhereItIs {
        @Bean
        TunnelServerResolver demoResolver(TunnelEndpoints endpoints) {
            return name -> {
                if (!name.equals("demo")) {
                    throw new UnknownTunnelServerException(name);
                }
                return new TunnelServerTarget("demo", () -> loopback(endpoints.serverAddress()), "demo");
            };
        }
    }
}
