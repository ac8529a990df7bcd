package io.github.udptunnel.engine;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static io.github.udptunnel.engine.Vegas.INITIAL_WINDOW;
import static io.github.udptunnel.engine.Vegas.MIN_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Reno}, the yardstick beside Vegas: slow start, +1 per window of acks, halved on loss, minimum on timeout. */
class RenoTest {

    private static final long BASE = 0x2E70_0000L;
    private static final int COUNT = 100;
    private static final long RTT = 40_000_000L;

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    private long cumulative;

    private void ack(Reno reno, int acked) {
        cumulative += acked;
        reno.onAck(0, acked, cumulative, cumulative + reno.window(), RTT, RTT);
    }

    @Test
    void slowStartGrowsByWhatIsAckedUpToTheMaximum() {
        Reno reno = new Reno(35);
        assertThat(reno.window()).isEqualTo(INITIAL_WINDOW);
        for (int i = 1; i <= 10; i++) {
            ack(reno, 1);
            assertThat(reno.window()).isEqualTo(INITIAL_WINDOW + i);
        }
        ack(reno, 7);
        assertThat(reno.window()).isEqualTo(27);
        ack(reno, 20);
        assertThat(reno.window()).as("capped").isEqualTo(35);
    }

    @Test
    void tableOfLossesAndCongestionAvoidance() {
        Reno reno = new Reno(1000);
        for (int i = 0; i < 30; i++) {
            ack(reno, 1);
        }
        assertThat(reno.window()).isEqualTo(40);
        assertThat(reno.onLoss(0)).as("every loss is congestion").isTrue();
        assertThat(reno.window()).isEqualTo(20);
        // Congestion avoidance: +1 after each window's worth of acks.
        for (int round = 0; round < 5; round++) {
            int w = reno.window();
            for (int i = 1; i < w; i++) {
                ack(reno, 1);
                assertThat(reno.window()).as("round %d ack %d", round, i).isEqualTo(w);
            }
            ack(reno, 1);
            assertThat(reno.window()).as("round %d complete", round).isEqualTo(w + 1);
        }
        assertThat(reno.window()).isEqualTo(25);
        assertThat(reno.onLoss(0)).isTrue();
        assertThat(reno.window()).isEqualTo(12);
        assertThat(reno.onLoss(0)).isTrue();
        assertThat(reno.window()).isEqualTo(6);
        assertThat(reno.onLoss(0)).isTrue();
        assertThat(reno.window()).isEqualTo(3);
        assertThat(reno.onLoss(0)).isTrue();
        assertThat(reno.window()).as("never below the minimum").isEqualTo(MIN_WINDOW);
        assertThat(reno.onLoss(0)).isTrue();
        assertThat(reno.window()).isEqualTo(MIN_WINDOW);
    }

    @Test
    void aTimeoutDropsToTheMinimumThenSlowStartsToHalfTheOldWindow() {
        Reno reno = new Reno(1000);
        for (int i = 0; i < 22; i++) {
            ack(reno, 1);
        }
        assertThat(reno.window()).isEqualTo(32);
        reno.onTimeout(0);
        assertThat(reno.window()).isEqualTo(MIN_WINDOW);
        for (int i = 0; i < 14; i++) {
            ack(reno, 1);
        }
        assertThat(reno.window()).isEqualTo(16);
        for (int i = 0; i < 15; i++) {
            ack(reno, 1);
            assertThat(reno.window()).as("congestion avoidance from half the old window").isEqualTo(16);
        }
        ack(reno, 1);
        assertThat(reno.window()).isEqualTo(17);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void windowFollowsHalvingAndOnePerWindowOfAcks(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int maxWindow = 20 + r.nextInt(500);
        Reno reno = new Reno(maxWindow);
        // Leave slow start with a first loss, then a model of congestion avoidance.
        for (int i = r.nextInt(40); i > 0; i--) {
            ack(reno, 1);
        }
        int w = reno.window();
        assertThat(reno.onLoss(0)).isTrue();
        int expected = Math.max(MIN_WINDOW, w / 2);
        assertThat(reno.window()).isEqualTo(expected);
        long acc = 0;
        for (int op = 0; op < 2000; op++) {
            String what = "seed " + seed + " op " + op;
            if (acc == 0 && r.nextInt(10) == 0) {
                // A loss right after an increase, so nothing is pending towards the next one: the model holds
                // whether or not a loss forgets acks counted towards an increase.
                assertThat(reno.onLoss(0)).isTrue();
                expected = Math.max(MIN_WINDOW, expected / 2);
            } else {
                int acked = 1 + r.nextInt(3);
                ack(reno, acked);
                acc += acked;
                if (acc >= expected) {
                    acc -= expected;
                    expected = Math.min(maxWindow, expected + 1);
                }
            }
            assertThat(reno.window()).as(what).isEqualTo(expected);
        }
    }
}
