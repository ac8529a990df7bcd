package io.github.udptunnel.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class DemoApplicationTest {

    @Test
    void theWalkthroughCompletesAHandshake(CapturedOutput output) {
        assertThat(output).contains("HELLO  224 bytes", "COOKIE 220 bytes", "server reads \"hello, server\"",
            "client reads \"hello, client\": handshake complete");
    }
}
