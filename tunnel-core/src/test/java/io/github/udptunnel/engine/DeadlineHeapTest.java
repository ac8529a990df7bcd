package io.github.udptunnel.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DeadlineHeap}: random set/move/remove against an array model, and a table of small cases. */
class DeadlineHeapTest {

    private static final long BASE = 0xDEAD_0000L;
    private static final int COUNT = 200;
    private static final long NONE = Long.MAX_VALUE;

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    /** The deadline of every slot, Long.MAX_VALUE for none. */
    private static long[] model(int capacity) {
        long[] m = new long[capacity];
        Arrays.fill(m, NONE);
        return m;
    }

    private static void check(DeadlineHeap heap, long[] model, String what) {
        long min = NONE;
        for (long d : model) {
            min = Math.min(min, d);
        }
        assertThat(heap.earliest()).as("%s: earliest", what).isEqualTo(min);
        int slot = heap.earliestSlot();
        if (min == NONE) {
            assertThat(slot).as("%s: earliestSlot of an empty heap", what).isEqualTo(-1);
        } else {
            assertThat(slot).as("%s: earliestSlot", what).isBetween(0, model.length - 1);
            assertThat(model[slot]).as("%s: deadline of earliestSlot %d", what, slot).isEqualTo(min);
        }
    }

    private static long randomDeadline(SplittableRandom r, long now) {
        switch (r.nextInt(6)) {
            case 0:
                return now + r.nextInt(4);                     // many ties
            case 1:
                return r.nextLong();                           // anything, negative included
            case 2:
                return r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE - 1 - r.nextInt(3);
            default:
                return now + r.nextLong(1_000_000_000L);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSetMoveRemoveAgreeWithAnArrayModel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 5 : 100);
        DeadlineHeap heap = new DeadlineHeap(capacity);
        long[] model = model(capacity);
        long now = r.nextLong(1L << 40);
        check(heap, model, "new");
        int ops = 500 + r.nextInt(1500);
        for (int op = 0; op < ops; op++) {
            String what = "seed " + seed + " op " + op;
            int slot = r.nextInt(capacity);
            int choice = r.nextInt(10);
            if (choice < 6) {
                long when = randomDeadline(r, now);
                heap.set(slot, when);                          // a set of a present slot is a move
                model[slot] = when;
            } else if (choice < 7) {
                heap.set(slot, Long.MAX_VALUE);                // Long.MAX_VALUE removes
                model[slot] = NONE;
            } else if (choice < 9) {
                heap.remove(slot);                             // present or not
                model[slot] = NONE;
            } else {
                // The engine's pattern: the earliest fires and is moved later or removed.
                int first = heap.earliestSlot();
                if (first >= 0) {
                    now = Math.max(now, heap.earliest());
                    if (r.nextBoolean()) {
                        long when = now + 1 + r.nextInt(1000);
                        heap.set(first, when);
                        model[first] = when;
                    } else {
                        heap.remove(first);
                        model[first] = NONE;
                    }
                }
            }
            check(heap, model, what);
        }
        // Draining in order gives every deadline, sorted, each slot once.
        long[] expected = Arrays.stream(model).filter(d -> d != NONE).sorted().toArray();
        long[] drained = new long[expected.length];
        boolean[] seen = new boolean[capacity];
        for (int i = 0; i < expected.length; i++) {
            int slot = heap.earliestSlot();
            assertThat(slot).as("seed %d: drain %d", seed, i).isNotEqualTo(-1);
            assertThat(seen[slot]).as("slot %d drained twice", slot).isFalse();
            seen[slot] = true;
            drained[i] = heap.earliest();
            assertThat(drained[i]).isEqualTo(model[slot]);
            heap.remove(slot);
        }
        assertThat(drained).containsExactly(expected);
        assertThat(heap.earliestSlot()).isEqualTo(-1);
        assertThat(heap.earliest()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void tableOfSetMoveAndRemove() {
        DeadlineHeap heap = new DeadlineHeap(4);
        long[] model = model(4);
        assertThat(heap.earliest()).isEqualTo(Long.MAX_VALUE);
        assertThat(heap.earliestSlot()).isEqualTo(-1);

        long[][] rows = {
            // slot, deadline, expected earliest, expected earliest slot (-1: any of a tie)
            {2, 50, 50, 2},
            {0, 70, 50, 2},
            {3, 10, 10, 3},
            {3, 90, 50, 2},                                   // move later: another becomes earliest
            {0, 5, 5, 0},                                     // move earlier
            {0, Long.MAX_VALUE, 50, 2},                       // Long.MAX_VALUE removes
            {0, Long.MAX_VALUE, 50, 2},                       // ... and again is a no-op
            {1, 50, 50, -1},                                  // a tie
            {2, Long.MAX_VALUE, 50, 1},
            {1, Long.MIN_VALUE, Long.MIN_VALUE, 1},
            {1, Long.MAX_VALUE, 90, 3},
            {3, Long.MAX_VALUE, Long.MAX_VALUE, -1},
        };
        for (long[] row : rows) {
            int slot = (int) row[0];
            heap.set(slot, row[1]);
            model[slot] = row[1];
            String what = Arrays.toString(row);
            assertThat(heap.earliest()).as(what).isEqualTo(row[2]);
            if (row[3] >= 0) {
                assertThat(heap.earliestSlot()).as(what).isEqualTo((int) row[3]);
            }
            check(heap, model, what);
        }
        assertThat(heap.earliestSlot()).isEqualTo(-1);
        heap.remove(2);                                       // remove of an absent slot
        check(heap, model, "remove absent");
    }
}
