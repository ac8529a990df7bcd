package io.github.udptunnel.demo;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** The demo as README's first command runs it (server and client in one service), on a free port. */
@SpringBootTest(properties = {"tunnel.server.port=0", "demo.interval=20ms",
    "tunnel.server.identity.key-file=target/demo-test/server.key",
    "tunnel.client.known-hosts.file=target/demo-test/known_hosts"})
@ExtendWith(OutputCaptureExtension.class)
@Import(FindTheServerWhereItIs.class)
class DemoApplicationTest {

    @Autowired
    GreetingTraffic traffic;

    @Test
    void theClientKeepsGreetingTheServerThroughTheTunnel(CapturedOutput output) {
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> traffic.replies() >= 20);
        assertThat(output).contains("Tunnel server bound to", "you said \"greeting 1\"", "you said \"greeting 20\"");
    }

}
