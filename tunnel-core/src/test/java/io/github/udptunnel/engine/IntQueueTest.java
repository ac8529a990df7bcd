package io.github.udptunnel.engine;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IntQueue}: FIFO order, adding at the head, the capacity bound and wrap-around, against an {@link ArrayDeque}. */
class IntQueueTest {

    private static final long BASE = 0x1A7_0000L;
    private static final int COUNT = 100;

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomAddAndPollAgreeWithAnArrayDeque(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 4 : 50);
        IntQueue q = new IntQueue(capacity);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        int ops = 500 + r.nextInt(2000);
        // Phases lean towards adding or polling, so the queue runs full and empty many times and wraps.
        boolean leanAdd = true;
        for (int op = 0; op < ops; op++) {
            String what = "seed " + seed + " op " + op;
            if (r.nextInt(20) == 0) {
                leanAdd = !leanAdd;
            }
            boolean add = r.nextInt(10) < (leanAdd ? 7 : 3);
            if (add) {
                int v = r.nextInt();
                boolean expected = model.size() < capacity;
                if (r.nextBoolean()) {
                    assertThat(q.add(v)).as(what + ": add").isEqualTo(expected);
                    if (expected) {
                        model.addLast(v);
                    }
                } else {
                    assertThat(q.addFirst(v)).as(what + ": addFirst").isEqualTo(expected);
                    if (expected) {
                        model.addFirst(v);
                    }
                }
            } else if (!model.isEmpty()) {
                assertThat(q.peek()).as(what + ": peek").isEqualTo(model.peekFirst());
                assertThat(q.poll()).as(what + ": poll").isEqualTo(model.pollFirst());
            }
            assertThat(q.size()).as(what + ": size").isEqualTo(model.size());
            assertThat(q.isEmpty()).as(what + ": isEmpty").isEqualTo(model.isEmpty());
        }
        while (!model.isEmpty()) {
            assertThat(q.poll()).isEqualTo(model.pollFirst());
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void fillsToCapacityRefusesMoreAndWrapsAround() {
        IntQueue q = new IntQueue(3);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.add(1)).isTrue();
        assertThat(q.add(2)).isTrue();
        assertThat(q.add(3)).isTrue();
        assertThat(q.add(4)).as("full").isFalse();
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.add(4)).as("wraps to the array's start").isTrue();
        assertThat(q.add(5)).isFalse();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.poll()).isEqualTo(3);
        assertThat(q.add(5)).isTrue();
        assertThat(q.add(6)).isTrue();
        assertThat(q.peek()).isEqualTo(4);
        assertThat(q.poll()).isEqualTo(4);
        assertThat(q.poll()).isEqualTo(5);
        assertThat(q.poll()).isEqualTo(6);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void capacityZeroHoldsOne() {
        IntQueue q = new IntQueue(0);
        assertThat(q.add(-7)).isTrue();
        assertThat(q.add(8)).isFalse();
        assertThat(q.poll()).isEqualTo(-7);
        for (int i = 0; i < 10; i++) {
            assertThat(q.add(i)).isTrue();
            assertThat(q.poll()).isEqualTo(i);
        }
        assertThat(q.isEmpty()).isTrue();
    }
}
