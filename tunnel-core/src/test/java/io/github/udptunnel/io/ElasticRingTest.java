package io.github.udptunnel.io;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring that grows and shrinks, driven the way the worker and the application drive it: a producer that writes
 * only when {@link ElasticRing#readyToWrite} lets it and reports {@link ElasticRing#shortOfRoom}, and a consumer that
 * takes {@link ElasticRing#ring()} afresh for every read. The steps interleave at seeded points.
 */
class ElasticRingTest {

    private static final int MAX = 64 * 1024;

    static long[] seeds() {
        return Seeds.of(0xE1A5_0000L, 16);
    }

    /**
     * Records of every size the ring takes, bursts and trickles, read at random moments: every record comes out once,
     * whole and in order, across every swap; the ring is always a power of two between the smallest and the full size.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void recordsCrossEverySwapWholeAndInOrder(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ElasticRing ring = new ElasticRing(MAX);
        ArrayDeque<byte[]> inFlight = new ArrayDeque<>();
        UnsafeBuffer source = new UnsafeBuffer(new byte[MAX]);
        int written = 0;
        int read = 0;
        int largestSeen = 0;
        while (read < 3_000) {
            boolean burst = random.nextInt(4) == 0;
            if (written < 3_000 && random.nextInt(3) != 0) {
                int length = burst ? random.nextInt(ring.capacity() / 8 + 1) : random.nextInt(64);
                byte[] record = new byte[length];
                random.nextBytes(record);
                ring.noteWrite(length);
                OneToOneRingBuffer r = ring.ring();
                source.putBytes(0, record);
                if (ring.readyToWrite() && ring.ring().write(1, source, 0, length)) {
                    inFlight.add(record);
                    written++;
                } else {
                    ring.shortOfRoom();
                    assertThat(ring.ring()).as("no swap while records wait").isSameAs(r);
                }
            } else {
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    ring.ring().read((type, buffer, index, length) -> {
                        byte[] expected = inFlight.poll();
                        assertThat(expected).as("a record nobody wrote").isNotNull();
                        byte[] got = new byte[length];
                        buffer.getBytes(index, got);
                        assertThat(got).isEqualTo(expected);
                    }, 1);
                }
                read = written - inFlight.size();
            }
            int capacity = ring.capacity();
            assertThat(Integer.bitCount(capacity)).isEqualTo(1);
            assertThat(capacity).isBetween(ElasticRing.MIN_BYTES, MAX);
            largestSeen = Math.max(largestSeen, capacity);
        }
        assertThat(inFlight).isEmpty();
        assertThat(largestSeen).as("bursts grew the ring").isGreaterThan(ElasticRing.MIN_BYTES);
    }

    /** A ring grown by a burst goes back to the smallest size after a run of small writes into it empty. */
    @Test
    void growsUnderABurstAndShrinksAfterARunOfSmallWrites() {
        ElasticRing ring = new ElasticRing(MAX);
        UnsafeBuffer source = new UnsafeBuffer(new byte[MAX]);
        assertThat(ring.footprint()).isEqualTo(ElasticRing.MIN_BYTES + 768);
        // A burst: write until short of room, drain, and again, until the ring is full-size.
        while (ring.capacity() < MAX) {
            int before = ring.capacity();
            while (ring.readyToWrite() && ring.ring().write(1, source, 0, before / 8)) {
                // filling
            }
            ring.shortOfRoom();
            assertThat(ring.readyToWrite()).as("waits to be empty").isFalse();
            drain(ring);
            assertThat(ring.readyToWrite()).isTrue();
            assertThat(ring.capacity()).isEqualTo(2 * before);
        }
        assertThat(ring.readyToWrite()).isTrue();
        for (int i = 1; i < ElasticRing.SMALL_WRITES_BEFORE_SHRINK; i++) {
            ring.noteWrite(64);
            assertThat(ring.ring().write(1, source, 0, 64)).isTrue();
            drain(ring);
            assertThat(ring.capacity()).isEqualTo(MAX);
        }
        ring.noteWrite(64);
        assertThat(ring.capacity()).isEqualTo(ElasticRing.MIN_BYTES);
    }

    /** A slot taken by a new connection starts with the smallest rings, empty. */
    @Test
    void resetGivesBackTheSmallestEmptyRing() {
        ElasticRing ring = new ElasticRing(MAX);
        UnsafeBuffer source = new UnsafeBuffer(new byte[64]);
        ring.ring().write(1, source, 0, 64);
        ring.reset();
        assertThat(ring.isEmpty()).isTrue();
        while (ring.ring().write(1, source, 0, 64)) {
            // filling
        }
        ring.shortOfRoom();
        drain(ring);
        assertThat(ring.readyToWrite()).isTrue();
        assertThat(ring.capacity()).isGreaterThan(ElasticRing.MIN_BYTES);
        ring.ring().write(1, source, 0, 64);
        ring.reset();
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.capacity()).isEqualTo(ElasticRing.MIN_BYTES);
    }

    private static void drain(ElasticRing ring) {
        while (!ring.isEmpty()) {
            ring.ring().read((type, buffer, index, length) -> { });
        }
    }
}
