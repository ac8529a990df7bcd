package io.github.udptunnel.engine;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import static io.github.udptunnel.engine.HandshakeRateLimiter.DEFAULT_PER_SOURCE_BURST;
import static io.github.udptunnel.engine.HandshakeRateLimiter.LOAD_HOLD_NANOS;
import static io.github.udptunnel.engine.HandshakeRateLimiter.NANOS_PER_SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link HandshakeRateLimiter} in virtual time: every call is given its instant. */
class HandshakeRateLimiterTest {

    private static final long T0 = 123_456_789L;
    private static final long MILLIS = 1_000_000L;
    /** Nanos per token of the default per-source bucket: 20 per second. */
    private static final long SOURCE_COST_NANOS = NANOS_PER_SECOND / 20;

    private static InetAddress ipv4(int n) {
        byte[] b = {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress ipv6(int n) {
        byte[] b = new byte[16];
        b[0] = 0x20;
        b[1] = 0x01;
        b[12] = (byte) (n >>> 24);
        b[13] = (byte) (n >>> 16);
        b[14] = (byte) (n >>> 8);
        b[15] = (byte) n;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A source that none of the tests' sources equals, used to push the global bucket below half. */
    private static final InetAddress LOADER = ipv4(0xFF_FFFF);

    /**
     * A limiter already under load at {@link #T0}, with about {@code globalBurst / 2} global tokens left and a global
     * rate of 1 per second, so the global bucket barely refills within a test. The loader calls only while not under
     * load, so it takes no per-source slot.
     */
    private static HandshakeRateLimiter underLoadAtT0(long globalBurst, int tableCapacity) {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1, globalBurst, tableCapacity);
        while (!limiter.underLoad(T0)) {
            assertThat(limiter.allow(T0, LOADER)).isTrue();
        }
        return limiter;
    }

    @Test
    void burstIsAllowedThenRefused() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(10, 8, 64);
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.allow(T0, ipv4(i))).as("handshake %d of the burst", i).isTrue();
        }
        assertThat(limiter.allow(T0, ipv4(100))).isFalse();
        assertThat(limiter.allow(T0, ipv4(101))).isFalse();
    }

    @Test
    void globalTokensRefillAtTheRateAndNeverBeyondTheBurst() {
        long cost = NANOS_PER_SECOND / 10;
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(10, 4, 64);
        int n = 0;
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.allow(T0, ipv4(n++))).isTrue();
        }
        assertThat(limiter.allow(T0, ipv4(n++))).isFalse();

        assertThat(limiter.allow(T0 + cost - 1, ipv4(n++))).as("one nano short of a token").isFalse();
        assertThat(limiter.allow(T0 + cost, ipv4(n++))).as("one token after 1/rate").isTrue();
        assertThat(limiter.allow(T0 + cost, ipv4(n++))).isFalse();

        assertThat(limiter.allow(T0 + 3 * cost, ipv4(n++))).isTrue();
        assertThat(limiter.allow(T0 + 3 * cost, ipv4(n++))).isTrue();
        assertThat(limiter.allow(T0 + 3 * cost, ipv4(n++))).isFalse();

        long later = T0 + 3600 * NANOS_PER_SECOND;
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.allow(later, ipv4(n++))).as("an hour idle refills only the burst").isTrue();
        }
        assertThat(limiter.allow(later, ipv4(n++))).isFalse();
    }

    @Test
    void timeStartsAtTheFirstCallWhateverItsOrigin() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(10, 2, 16);
        long t = Long.MIN_VALUE + 5;
        assertThat(limiter.allow(t, ipv4(1))).isTrue();
        assertThat(limiter.allow(t, ipv4(2))).isTrue();
        assertThat(limiter.allow(t, ipv4(3))).isFalse();
        assertThat(limiter.allow(t + NANOS_PER_SECOND / 10, ipv4(3))).isTrue();
        assertThat(limiter.allow(t - NANOS_PER_SECOND, ipv4(4))).as("time going back adds nothing").isFalse();
    }

    @Test
    void perSourceLimitAppliesOnlyUnderLoad() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1, 1000, 64);
        InetAddress busy = ipv4(1);
        int allowedWithoutLoad = 0;
        while (!limiter.underLoad(T0)) {
            assertThat(limiter.allow(T0, busy)).as("no per-source limit without load").isTrue();
            allowedWithoutLoad++;
        }
        assertThat(allowedWithoutLoad).isEqualTo(501);

        // Under load the busy source gets one per-source burst, then waits, while others still get theirs.
        for (int i = 0; i < DEFAULT_PER_SOURCE_BURST; i++) {
            assertThat(limiter.allow(T0, busy)).isTrue();
        }
        assertThat(limiter.allow(T0, busy)).isFalse();
        assertThat(limiter.allow(T0, ipv4(2))).isTrue();
        assertThat(limiter.underLoad(T0)).isTrue();
    }

    @Test
    void loadHoldsForASecondAfterTheBucketWasLastBelowHalf() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1000, 1000, 64);
        InetAddress flood = ipv4(1);
        while (!limiter.underLoad(T0)) {
            assertThat(limiter.allow(T0, flood)).isTrue();
        }
        // 0.6 s later the bucket is full again, yet the flood still gets only its per-source share.
        long refilled = T0 + 600 * MILLIS;
        assertThat(limiter.underLoad(refilled)).as("within a second of the load").isTrue();
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.allow(refilled, flood)) {
                allowed++;
            }
        }
        assertThat(allowed).as("the flood's per-source burst").isEqualTo(DEFAULT_PER_SOURCE_BURST);

        // A second after the bucket was last below half, and it has not been since: no load, no per-source limit.
        long calm = T0 + LOAD_HOLD_NANOS;
        assertThat(limiter.underLoad(calm - 1)).isTrue();
        assertThat(limiter.underLoad(calm)).isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.allow(calm, flood)).as("handshake %d without load", i).isTrue();
        }
    }

    @Test
    void aLastingFloodFromOneSourceKeepsTheLoadAndGetsOnlyItsShare() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1000, 100, 64);
        InetAddress flood = ipv4(1);
        int allowed = 0;
        // 10,000 a second for 3 seconds: the refusals leave the global bucket full, but the demand stays high.
        for (int i = 0; i < 30_000; i++) {
            if (limiter.allow(T0 + i * 100_000L, flood)) {
                allowed++;
            }
        }
        // Half the global burst (and what refills meanwhile) before the load, about 56; the source's burst, 5; then
        // 20 a second for the rest of the 3 seconds. The global limit alone would allow 3,100.
        assertThat(allowed).isBetween(110, 125);
        assertThat(limiter.allow(T0 + 30_000 * 100_000L, ipv4(2))).as("another source meanwhile").isTrue();
    }

    @Test
    void perSourceTokensRefillAtTwentyPerSecond() {
        HandshakeRateLimiter limiter = underLoadAtT0(1000, 64);
        InetAddress source = ipv4(7);
        for (int i = 0; i < DEFAULT_PER_SOURCE_BURST; i++) {
            assertThat(limiter.allow(T0, source)).isTrue();
        }
        assertThat(limiter.allow(T0, source)).isFalse();
        assertThat(limiter.allow(T0 + SOURCE_COST_NANOS - 1, source)).isFalse();
        assertThat(limiter.allow(T0 + SOURCE_COST_NANOS, source)).isTrue();
        assertThat(limiter.allow(T0 + SOURCE_COST_NANOS, source)).isFalse();
    }

    @Test
    void manySourcesUnderLoadEachGetTheirOwnBurst() {
        HandshakeRateLimiter limiter = underLoadAtT0(40_000, 4096);
        for (int n = 0; n < 2000; n++) {
            InetAddress source = n % 2 == 0 ? ipv4(n) : ipv6(n);
            for (int i = 0; i < DEFAULT_PER_SOURCE_BURST; i++) {
                assertThat(limiter.allow(T0, source)).as("source %s, handshake %d", source, i).isTrue();
            }
            assertThat(limiter.allow(T0, source)).as("source %s after its burst", source).isFalse();
            InetAddress sameAddress = n % 2 == 0 ? ipv4(n) : ipv6(n);
            assertThat(limiter.allow(T0, sameAddress)).as("an equal address shares the bucket").isFalse();
        }
        assertThat(limiter.underLoad(T0)).isTrue();
    }

    @Test
    void fullTableEvictsTheLeastRecentlyUsedAndNeverThrows() {
        HandshakeRateLimiter limiter = underLoadAtT0(1000, 2);
        InetAddress a = ipv4(1);
        InetAddress b = ipv4(2);
        InetAddress c = ipv4(3);
        for (int i = 0; i < DEFAULT_PER_SOURCE_BURST; i++) {
            assertThat(limiter.allow(T0, a)).isTrue();
            assertThat(limiter.allow(T0 + MILLIS, b)).isTrue();
        }
        assertThat(limiter.allow(T0 + MILLIS, a)).isFalse();
        assertThat(limiter.allow(T0 + 2 * MILLIS, b)).isFalse();

        // Both slots are live and a was used longest ago: c takes its slot, b keeps its empty bucket.
        assertThat(limiter.allow(T0 + 3 * MILLIS, c)).isTrue();
        assertThat(limiter.allow(T0 + 3 * MILLIS, b)).isFalse();
        // The price of bounded memory: the evicted source starts again with a full bucket.
        assertThat(limiter.allow(T0 + 4 * MILLIS, a)).isTrue();
    }

    @Test
    void idleEntriesAreReusedBeforeLiveOnesAreEvicted() {
        HandshakeRateLimiter limiter = underLoadAtT0(1000, 2);
        InetAddress idle = ipv4(1);
        InetAddress live = ipv4(2);
        assertThat(limiter.allow(T0, idle)).isTrue();
        assertThat(limiter.allow(T0, live)).isTrue();
        // Two seconds later the table is full: one entry idle, the other in use and out of tokens.
        long t = T0 + 2 * NANOS_PER_SECOND;
        for (int i = 0; i < DEFAULT_PER_SOURCE_BURST; i++) {
            assertThat(limiter.allow(t, live)).isTrue();
        }
        assertThat(limiter.allow(t, live)).isFalse();
        assertThat(limiter.allow(t + 1, ipv4(3))).isTrue();
        assertThat(limiter.allow(t + 2, live)).as("the live entry was kept").isFalse();
    }

    @Test
    void aTinyTableUnderAFloodOfSourcesStillWorks() {
        HandshakeRateLimiter limiter = underLoadAtT0(1_000_000, 1);
        assertThatCode(() -> {
            for (int n = 0; n < 10_000; n++) {
                assertThat(limiter.allow(T0 + n, ipv4(n))).isTrue();
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThatThrownBy(() -> new HandshakeRateLimiter(0, 5, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeRateLimiter(10, 0, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeRateLimiter(10, 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeRateLimiter(10, Long.MAX_VALUE, 16))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeRateLimiter(10, 5, 20, 0, 16))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allocatesNothingPerCallAfterWarmUp() {
        int calls = 100_000;
        InetAddress[] addresses = new InetAddress[calls];
        for (int n = 0; n < calls; n++) {
            addresses[n] = n % 4 == 0 ? ipv6(n) : ipv4(n);
        }
        // Under load for the whole run, with tokens to spare: every call goes through the per-source table, which
        // is soon full and evicts; a hammering source then takes the refusing path.
        HandshakeRateLimiter limiter = underLoadAtT0(1_000_000, 4096);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        exercise(limiter, addresses, T0);
        threads.getCurrentThreadAllocatedBytes();
        long before = threads.getCurrentThreadAllocatedBytes();
        long allowed = exercise(limiter, addresses, T0 + 10 * NANOS_PER_SECOND);
        long after = threads.getCurrentThreadAllocatedBytes();

        assertThat(allowed).as("every distinct source, and the hammering one at most a burst")
                .isBetween(calls + 1L, (long) calls + DEFAULT_PER_SOURCE_BURST);
        assertThat(limiter.underLoad(T0 + 10 * NANOS_PER_SECOND + 2L * calls)).isTrue();
        assertThat(after - before).as("bytes allocated by %d calls", calls + HAMMER_CALLS).isLessThan(1024);
    }

    private static final int HAMMER_CALLS = 1000;

    /** One call from each address, then many from the first; returns how many were allowed. */
    private static long exercise(HandshakeRateLimiter limiter, InetAddress[] addresses, long start) {
        long allowed = 0;
        long now = start;
        for (InetAddress address : addresses) {
            if (limiter.allow(now++, address)) {
                allowed++;
            }
        }
        for (int i = 0; i < HAMMER_CALLS; i++) {
            if (limiter.allow(now++, addresses[0])) {
                allowed++;
            }
        }
        return allowed;
    }
}
