package io.github.udptunnel.bench.peer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The byte stream every goodput run sends: random bytes repeating with a prime period, so that a lost, repeated
 * or misplaced chunk of any size up to the period fails the check, and checking is one vectorized compare.
 */
public final class Pattern {

    /** Bytes per write. */
    public static final int CHUNK = 64 * 1024;
    private static final int PERIOD = 1_048_573;  // prime: no write or read size lines up with it
    private static final Pattern SHARED = new Pattern(0x9A77E28L);

    private final byte[] twoPeriods = new byte[2 * PERIOD];

    private Pattern(long seed) {
        byte[] one = new byte[PERIOD];
        new SplittableRandom(seed).nextBytes(one);
        System.arraycopy(one, 0, twoPeriods, 0, PERIOD);
        System.arraycopy(one, 0, twoPeriods, PERIOD, PERIOD);
    }

    public static Pattern shared() {
        return SHARED;
    }

    /** Writes the {@code len} bytes of the stream that start at {@code position}. */
    public void write(StreamConnection c, long position, int len) throws Exception {
        c.write(twoPeriods, (int) (position % PERIOD), len);
    }

    /** Whether {@code bytes[0..len)} are the stream's bytes at {@code position}; {@code len} at most the period. */
    public boolean matches(byte[] bytes, int len, long position) {
        int from = (int) (position % PERIOD);
        return Arrays.equals(bytes, 0, len, twoPeriods, from, from + len);
    }
}
