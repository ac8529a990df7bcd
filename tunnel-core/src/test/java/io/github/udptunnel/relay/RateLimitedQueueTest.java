package io.github.udptunnel.relay;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's bottleneck on numbers alone: no sockets, no clock. */
class RateLimitedQueueTest {

    private static final long MS = 1_000_000L;

    static long[] seeds() {
        return Seeds.of(0x8A7E_0000L, 200);
    }

    @Test
    void aTableOfArrivals() {
        RateLimitedQueue q = new RateLimitedQueue(1_000_000, 2500);   // a byte a microsecond, 2,500 bytes of buffer
        assertThat(q.offer(0, 1000)).as("idle: leaves after its own 1 ms").isEqualTo(MS);
        assertThat(q.offer(0, 1000)).as("behind the first").isEqualTo(2 * MS);
        assertThat(q.backlogBytes(0)).isEqualTo(2000);
        assertThat(q.offer(0, 1000)).as("2,000 + 1,000 > 2,500: dropped").isEqualTo(RateLimitedQueue.DROPPED);
        assertThat(q.offer(0, 500)).as("2,000 + 500 fits").isEqualTo(2 * MS + 500_000);
        assertThat(q.backlogBytes(MS)).isEqualTo(1500);
        assertThat(q.offer(MS, 1000)).as("1,500 + 1,000 fits exactly").isEqualTo(3 * MS + 500_000);
        assertThat(q.offer(10 * MS, 1000)).as("idle again").isEqualTo(11 * MS);
        assertThat(q.maxBacklogBytes()).isEqualTo(2500);
        assertThat(q.dropped()).isEqualTo(1);
        assertThat(q.droppedBytes()).isEqualTo(1000);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theBufferNeverHoldsMoreThanItsLimitAndTheRateIsNeverBeaten(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long rate = 10_000 + r.nextLong(100_000_000);
        long limit = 1232 + r.nextLong(1_000_000);
        RateLimitedQueue q = new RateLimitedQueue(rate, limit);
        long start = r.nextLong(-1L << 62, 1L << 62);             // nanoTime may be anywhere, negative too
        long now = start;
        long accepted = 0;
        long offered = 0;
        long lastDeparture = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            now += r.nextInt(4) == 0 ? r.nextLong(100 * MS) : r.nextLong(50_000);
            int bytes = r.nextInt(1233);
            offered += bytes;
            long departure = q.offer(now, bytes);
            String what = "seed " + seed + " datagram " + i + ", " + q;
            assertThat(q.backlogBytes(now)).as(what).isLessThanOrEqualTo(limit);
            if (departure == RateLimitedQueue.DROPPED) {
                continue;
            }
            accepted += bytes;
            assertThat(departure - now).as(what + ": leaves no sooner than it arrived").isNotNegative();
            if (lastDeparture != Long.MIN_VALUE) {
                assertThat(departure - lastDeparture).as(what + ": in order").isNotNegative();
            }
            lastDeparture = departure;
            // Everything accepted has left by its departure: no more than the buffer plus the rate times the time.
            double seconds = (departure - start) / 1e9;
            assertThat((double) accepted).as(what + ": the rate is never beaten")
                .isLessThanOrEqualTo(limit + rate * seconds + 1232);
        }
        assertThat(q.maxBacklogBytes()).isLessThanOrEqualTo(limit);
        assertThat(accepted + q.droppedBytes()).isEqualTo(offered);
    }

    @Test
    void anOfferedLoadAboveTheRateOverflowsTheBuffer() {
        RateLimitedQueue q = new RateLimitedQueue(100_000, 10_000);  // 100 kB/s, 10 kB of buffer
        for (int i = 0; i < 1000; i++) {
            q.offer(i * 5 * MS, 1000);                               // 200 kB/s for 5 s
        }
        // Half the offered load fits the rate; the rest, less what the buffer took, is dropped.
        assertThat(q.dropped()).isBetween(480L, 500L);
        assertThat(q.maxBacklogBytes()).isLessThanOrEqualTo(10_000);
    }
}
