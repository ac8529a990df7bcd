package io.github.udptunnel.testing;

/** Seeds for the seeded property tests: a failure's name carries its seed, so it reproduces exactly. */
public final class Seeds {

    private Seeds() {
    }

    public static long[] of(long base, int count) {
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = base + i;
        }
        return seeds;
    }
}
