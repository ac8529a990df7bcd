package io.github.udptunnel.engine;

import java.util.Arrays;

/**
 * The anti-replay sliding window of RFC 6479 over unsigned 64-bit nonce counters, one per connection and
 * direction. It keeps {@value #WINDOW_SIZE} bits, as WireGuard does, because real paths reorder: a window of a few
 * dozen packets would drop late but authentic packets as replays on any fast, multi-path link.
 *
 * <p>The bits are a ring of 128 blocks of 64 bits; the block holding the highest accepted counter is the
 * current one. Moving ahead clears only the blocks the window moves into (at most all of them, however far the
 * jump), so each call costs O(1) amortised and nothing is allocated after construction. Because a whole block is
 * recycled at once, the window cannot promise all {@value #WINDOW_SIZE} counters, only {@value #MAX_AGE}
 * behind the highest.
 *
 * <p>The acceptance rule, exactly: with {@code h} the highest accepted counter (0 before the first update, and
 * comparisons unsigned), a counter {@code c} is accepted iff it was not accepted before and either
 * {@code c > h}, or {@code h - c <= MAX_AGE} where {@code MAX_AGE = WINDOW_SIZE - BLOCK_BITS = 8128}. So the highest
 * counter and the 8128 counters right behind it are open; anything older is refused, seen or not.
 *
 * <p>Use: {@link #check} before spending work on decryption, {@link #update} only after the packet authenticates.
 * For roaming, after {@code update(c)} returns true, {@code highest() == c} says that {@code c} is the highest
 * counter seen so far. Not thread-safe: one window belongs to the thread that owns the connection.
 */
public final class ReplayWindow {

    /** Bits in the window, as WireGuard keeps. */
    public static final int WINDOW_SIZE = 8192;
    /** Bits in one block of the ring. */
    public static final int BLOCK_BITS = Long.SIZE;
    /** How far behind the highest accepted counter a counter may still be accepted. */
    public static final long MAX_AGE = WINDOW_SIZE - BLOCK_BITS;

    private static final int BLOCKS = WINDOW_SIZE / BLOCK_BITS;
    private static final int BLOCK_SHIFT = Integer.numberOfTrailingZeros(BLOCK_BITS);
    private static final long BIT_MASK = BLOCK_BITS - 1;
    private static final long RING_MASK = BLOCKS - 1;

    private final long[] blocks = new long[BLOCKS];
    private long highest;

    /** True if {@code counter} would be accepted now: not seen before and not below the window. Changes nothing. */
    public boolean check(long counter) {
        if (Long.compareUnsigned(counter, highest) > 0) {
            // Bits above the highest are always clear: moving ahead clears every block it enters.
            return true;
        }
        if (Long.compareUnsigned(highest - counter, MAX_AGE) > 0) {
            return false;
        }
        return (blocks[ringIndex(counter)] & bit(counter)) == 0;
    }

    /**
     * Marks {@code counter} as seen; call it only once the packet has authenticated. Returns false, changing nothing,
     * if the counter was seen before or is below the window.
     */
    public boolean update(long counter) {
        if (!check(counter)) {
            return false;
        }
        if (Long.compareUnsigned(counter, highest) > 0) {
            advanceTo(counter);
        }
        blocks[ringIndex(counter)] |= bit(counter);
        return true;
    }

    /** The highest accepted counter; 0 before the first update (and 0 is still open then). */
    public long highest() {
        return highest;
    }

    /** Forgets every counter, as for a new key. */
    public void reset() {
        Arrays.fill(blocks, 0L);
        highest = 0;
    }

    private void advanceTo(long counter) {
        long current = highest >>> BLOCK_SHIFT;
        long ahead = (counter >>> BLOCK_SHIFT) - current;
        // A jump of a whole ring or more clears every block once; no need to loop over the distance.
        long toClear = Long.compareUnsigned(ahead, BLOCKS) < 0 ? ahead : BLOCKS;
        for (long i = 1; i <= toClear; i++) {
            blocks[(int) ((current + i) & RING_MASK)] = 0L;
        }
        highest = counter;
    }

    private static int ringIndex(long counter) {
        return (int) ((counter >>> BLOCK_SHIFT) & RING_MASK);
    }

    private static long bit(long counter) {
        return 1L << (counter & BIT_MASK);
    }
}
