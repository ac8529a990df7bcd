package io.github.udptunnel.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker sizes a ring record before the engine reads into it: {@link Endpoint#nextPart} must say exactly what
 * {@link Endpoint#readPart} then reads, and whether it ends a message, for parts of every length, empty messages and
 * parts that start inside a segment.
 */
class ReadPartTest {

    static long[] seeds() {
        return Seeds.of(0x9A27_0000L, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nextPartSaysWhatReadPartReads(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TunnelFixture f = new TunnelFixture(seed, LinkConditions.IDEAL.withDelay(Duration.ofMillis(5)));
        long c = f.connect(Duration.ofSeconds(5));
        long s = f.acceptOne(Duration.ofSeconds(5));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] m = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(5000)];
            random.nextBytes(m);
            sent.add(m);
            assertThat(f.client.send(f.sim.now(), c, m, 0, m.length)).isTrue();
        }
        f.sim.runUntil(() -> f.server.available(s) >= sent.stream().mapToInt(m -> m.length).sum()
            && f.server.nextMessageLength(s) >= 0, Duration.ofSeconds(10).toNanos());
        f.sim.runFor(Duration.ofSeconds(1).toNanos());  // the last, empty messages too

        List<byte[]> received = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteBuffer into = ByteBuffer.allocateDirect(8192);
        while (received.size() < sent.size()) {
            int len = random.nextInt(3000) + 1;
            int n = f.server.nextPart(s, len);
            boolean ends = f.server.nextPartEnds(s);
            assertThat(n).isBetween(0, len);
            assertThat(n > 0 || ends).as("parts left: %d of %d messages read", received.size(), sent.size()).isTrue();
            int at = random.nextInt(16);
            assertThat(f.server.readPart(f.sim.now(), s, into, at, len)).isEqualTo(n);
            assertThat(f.server.endedMessage(s)).isEqualTo(ends);
            for (int i = 0; i < n; i++) {
                message.write(into.get(at + i));
            }
            if (ends) {
                received.add(message.toByteArray());
                message.reset();
            }
        }
        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(f.server.nextPart(s, 100)).isZero();
        assertThat(f.server.nextPartEnds(s)).isFalse();
    }
}
