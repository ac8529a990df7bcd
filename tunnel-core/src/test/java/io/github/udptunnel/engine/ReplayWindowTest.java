package io.github.udptunnel.engine;

import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.udptunnel.testing.Seeds;

import static io.github.udptunnel.engine.ReplayWindow.MAX_AGE;
import static io.github.udptunnel.engine.ReplayWindow.WINDOW_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReplayWindow}: a table of cases in the spirit of wireguard-go's replay_test.go, and a seeded model check. */
class ReplayWindowTest {

    /** The first counter past the window edge when counting from 0, like wireguard-go's T_LIM. */
    private static final long LIM = MAX_AGE + 1;
    private static final long TWO_TO_THE_63 = Long.MIN_VALUE;
    private static final long TWO_TO_THE_64_MINUS_1 = -1L;

    private record Row(long counter, boolean accepted) {
    }

    private static Row row(long counter, boolean accepted) {
        return new Row(counter, accepted);
    }

    /** Feeds the rows in order to one window; each must be checked and updated as the table says. */
    private static void play(ReplayWindow window, Row... rows) {
        for (int i = 0; i < rows.length; i++) {
            Row r = rows[i];
            String what = String.format("row %d: counter %s", i + 1, Long.toUnsignedString(r.counter()));
            assertThat(window.check(r.counter())).as("check, " + what).isEqualTo(r.accepted());
            assertThat(window.update(r.counter())).as("update, " + what).isEqualTo(r.accepted());
            assertThat(window.check(r.counter())).as("seen or old after update, " + what).isFalse();
        }
    }

    @Test
    void tableOfOrderedReorderedDuplicateAndEdgeCounters() {
        play(new ReplayWindow(),
                row(0, true),                       // 0 is a valid counter, and may come first
                row(1, true),
                row(1, false),                      // duplicate
                row(9, true),                       // small jump ahead
                row(8, true),                       // reordered behind it
                row(7, true),
                row(7, false),
                row(LIM, true),                     // highest = MAX_AGE + 1
                row(LIM - 1, true),
                row(LIM - 1, false),
                row(LIM - 2, true),
                row(2, true),                       // LIM - 2 = MAX_AGE - 1 behind: inside
                row(2, false),
                row(LIM + 16, true),
                row(3, false),                      // now MAX_AGE + 14 behind: below the window
                row(LIM + 16, false),
                row(4 * LIM, true),                 // jump far ahead
                row(4 * LIM - (LIM - 1), true),     // exactly MAX_AGE behind: the last open counter
                row(10, false),
                row(4 * LIM - LIM, false),          // MAX_AGE + 1 behind: just outside
                row(4 * LIM - (LIM + 1), false),
                row(4 * LIM - (LIM - 2), true),
                row(4 * LIM + 1 - LIM, false),      // the edge counter again: a duplicate
                row(0, false));
    }

    @Test
    void tableOfCountersNearTwoToThe63AndBeyondAsUnsigned() {
        play(new ReplayWindow(),
                row(5, true),
                row(Long.MAX_VALUE, true),                      // 2^63 - 1: a far jump clears everything
                row(5, false),
                row(TWO_TO_THE_63, true),                       // 2^63 is above 2^63 - 1 when unsigned
                row(Long.MAX_VALUE, false),
                row(Long.MAX_VALUE - 1, true),
                row(TWO_TO_THE_63 - MAX_AGE, true),             // exactly MAX_AGE behind 2^63
                row(TWO_TO_THE_63 - MAX_AGE - 1, false),
                row(TWO_TO_THE_63 + 70_000, true),
                row(TWO_TO_THE_64_MINUS_1, true),               // the largest counter there is
                row(TWO_TO_THE_64_MINUS_1 - 1, true),
                row(TWO_TO_THE_64_MINUS_1, false),
                row(TWO_TO_THE_63, false),                      // 2^63 - 1 behind
                row(TWO_TO_THE_64_MINUS_1 - MAX_AGE, true),
                row(TWO_TO_THE_64_MINUS_1 - MAX_AGE - 1, false),
                row(0, false),                                  // 2^64 - 1 behind, not "just after"
                row(1, false));
    }

    @Test
    void bulkRunsAlongTheWindowEdge() {
        ReplayWindow window = new ReplayWindow();
        for (long i = 1; i <= MAX_AGE; i++) {
            play(window, row(i, true));
        }
        play(window, row(0, true), row(0, false));

        window.reset();
        for (long i = 2; i <= MAX_AGE + 1; i++) {
            play(window, row(i, true));
        }
        play(window, row(1, true), row(0, false));

        window.reset();
        for (long i = MAX_AGE + 1; i > 0; i--) {
            play(window, row(i, true));
        }

        window.reset();
        for (long i = MAX_AGE + 2; i > 1; i--) {
            play(window, row(i, true));
        }
        play(window, row(0, false));

        window.reset();
        for (long i = MAX_AGE; i > 0; i--) {
            play(window, row(i, true));
        }
        play(window, row(MAX_AGE + 1, true), row(0, false));

        window.reset();
        for (long i = MAX_AGE; i > 0; i--) {
            play(window, row(i, true));
        }
        play(window, row(0, true), row(MAX_AGE + 1, true));
    }

    /** A jump ahead must clear exactly the recycled blocks: older bits would read as replays of new counters. */
    @ParameterizedTest(name = "jump of {0} counters")
    @ValueSource(longs = {1, 63, 64, 65, 4000, MAX_AGE, WINDOW_SIZE - 1, WINDOW_SIZE, WINDOW_SIZE + 1,
            3 * WINDOW_SIZE + 17, 1L << 40})
    void jumpAheadClearsOldBitsAndKeepsTheRecentOnes(long jump) {
        ReplayWindow window = new ReplayWindow();
        long oldHighest = 5 * WINDOW_SIZE + 37;
        for (long c = oldHighest - MAX_AGE; c <= oldHighest; c++) {
            window.update(c);
        }
        long newHighest = oldHighest + jump;
        assertThat(window.update(newHighest)).isTrue();
        for (long c = newHighest - MAX_AGE; c < newHighest; c++) {
            boolean seenBefore = c <= oldHighest;
            assertThat(window.check(c)).as("counter %d after a jump of %d", c, jump).isEqualTo(!seenBefore);
        }
        assertThat(window.check(newHighest - MAX_AGE - 1)).isFalse();
    }

    @Test
    void checkChangesNothingAndARefusedUpdateChangesNothing() {
        ReplayWindow window = new ReplayWindow();
        window.update(100);
        assertThat(window.check(1_000_000)).isTrue();
        assertThat(window.highest()).isEqualTo(100);
        assertThat(window.check(99)).isTrue();
        assertThat(window.update(100)).isFalse();
        assertThat(window.highest()).isEqualTo(100);
        assertThat(window.check(99)).isTrue();
    }

    @Test
    void highestTellsWhetherTheAcceptedCounterIsTheNewHighest() {
        ReplayWindow window = new ReplayWindow();
        assertThat(window.update(0)).isTrue();
        assertThat(window.highest()).as("the first counter, even 0, is the highest").isEqualTo(0);
        assertThat(window.update(10)).isTrue();
        assertThat(window.highest()).isEqualTo(10);
        assertThat(window.update(7)).isTrue();
        assertThat(window.highest()).as("a late packet moves nothing").isEqualTo(10);
    }

    @Test
    void resetForgetsEverything() {
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 3 * WINDOW_SIZE; c += 3) {
            window.update(c);
        }
        window.reset();
        assertThat(window.highest()).isZero();
        play(window, row(0, true), row(3, true), row(3, false), row(1, true));
    }

    // ---- seeded comparison with a reference model ----

    static long[] seeds() {
        return Seeds.of(0x7E91_A000L, 64);
    }

    /** The documented rule, over a set of every accepted counter instead of a ring of bits. */
    private static final class Model {
        final TreeSet<Long> seen = new TreeSet<>(Long::compareUnsigned);
        long highest;

        boolean accepts(long c) {
            if (seen.contains(c)) {
                return false;
            }
            return Long.compareUnsigned(c, highest) > 0 || Long.compareUnsigned(highest - c, MAX_AGE) <= 0;
        }

        void accept(long c) {
            seen.add(c);
            if (Long.compareUnsigned(c, highest) > 0) {
                highest = c;
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithTheReferenceModelUnderReorderingAndDuplicates(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ReplayWindow window = new ReplayWindow();
        Model model = new Model();
        long[] recent = new long[64];
        int recentCount = 0;

        long start = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextLong(0, 1L << 40);
            case 2 -> Long.MAX_VALUE - random.nextInt(20_000);  // crosses 2^63
            default -> -1L - 200_000 - random.nextInt(100_000); // near 2^64 - 1
        };
        if (start != 0) {
            assertThat(window.update(start)).isTrue();
            model.accept(start);
        }

        for (int step = 0; step < 4000; step++) {
            long h = model.highest;
            int kind = random.nextInt(100);
            long c;
            if (kind < 35) {
                c = h + 1 + random.nextInt(4);                          // in order, or a few lost
            } else if (kind < 55) {
                c = h - random.nextLong(0, 200);                        // a little reordering
            } else if (kind < 70) {
                c = h - MAX_AGE + random.nextInt(-4, 5);                // around the window edge
            } else if (kind < 80) {
                c = h - random.nextLong(0, 2L * WINDOW_SIZE);           // late by up to two windows
            } else if (kind < 90 && recentCount > 0) {
                c = recent[random.nextInt(Math.min(recentCount, recent.length))]; // a duplicate
            } else if (kind < 97) {
                c = h + random.nextLong(1, 3L * WINDOW_SIZE);           // a jump ahead
            } else {
                c = h + random.nextLong(1, 1L << 40);                   // a far jump ahead
            }

            String what = String.format("step %d, counter %s, highest %s", step, Long.toUnsignedString(c),
                    Long.toUnsignedString(h));
            boolean expected = model.accepts(c);
            assertThat(window.check(c)).as("check, " + what).isEqualTo(expected);

            // One packet in ten fails to authenticate: it is checked but never updates the window.
            if (random.nextInt(10) != 0) {
                boolean newHighest = expected && (Long.compareUnsigned(c, h) > 0 || model.seen.isEmpty());
                assertThat(window.update(c)).as("update, " + what).isEqualTo(expected);
                if (expected) {
                    model.accept(c);
                    recent[recentCount++ % recent.length] = c;
                    assertThat(window.highest() == c).as("new highest, " + what).isEqualTo(newHighest);
                }
            }
            assertThat(window.highest()).as("highest, " + what).isEqualTo(model.highest);
        }
    }
}
