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
    void theDemoConnectsEchoesAndMovesData(CapturedOutput output) {
        assertThat(output).contains("client connected; pinned SHA256:", "echoed \"hello\"", "echoed \"encrypted\"",
            "moved 16 MiB", "closed; the demo is done");
    }
}
