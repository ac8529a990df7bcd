package io.github.udptunnel.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SegmentPool} and {@link SegmentList}: allocation until empty, reuse, sorted insertion in unsigned sequence
 * order with duplicates refused, count and bytes, removeHead and releaseAll, against a model of sorted maps.
 */
class SegmentListTest {

    private static final long BASE = 0x5E6_0000L;
    private static final int COUNT = 200;

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    private static TreeMap<Long, Integer> newModel() {
        return new TreeMap<>(Long::compareUnsigned);  // sequence -> segment id
    }

    /** Walks the list and checks order, tail, count and bytes against the model. */
    private static void check(SegmentPool pool, SegmentList list, TreeMap<Long, Integer> model, String what) {
        List<Integer> ids = new ArrayList<>();
        long bytes = 0;
        int last = SegmentPool.NONE;
        for (int id = list.head; id != SegmentPool.NONE; id = pool.next[id]) {
            assertThat(ids.size()).as("%s: list longer than the pool (a cycle?)", what).isLessThan(pool.capacity());
            ids.add(id);
            bytes += pool.length[id];
            last = id;
        }
        assertThat(ids).as("%s: ids in unsigned sequence order", what).containsExactlyElementsOf(model.values());
        assertThat(list.tail).as("%s: tail", what).isEqualTo(last);
        assertThat(list.count).as("%s: count", what).isEqualTo(model.size());
        assertThat(list.bytes).as("%s: bytes", what).isEqualTo(bytes);
        assertThat(list.isEmpty()).as("%s: isEmpty", what).isEqualTo(model.isEmpty());
    }

    private static long randomSequence(SplittableRandom r, long around) {
        // Near a chosen point (often the signed/unsigned edges), so unsigned order and duplicates both matter.
        return around + r.nextInt(-20, 21);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomInsertRemoveAndReleaseAgreeWithSortedMaps(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 6 : 80);
        SegmentPool pool = new SegmentPool(capacity, 16);
        long[] centres = {0, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 1L << 32, r.nextLong()};
        long around = centres[r.nextInt(centres.length)];
        int lists = 1 + r.nextInt(3);
        SegmentList[] list = new SegmentList[lists];
        List<TreeMap<Long, Integer>> model = new ArrayList<>();
        for (int i = 0; i < lists; i++) {
            list[i] = new SegmentList(pool);
            model.add(newModel());
        }
        int ops = 500 + r.nextInt(1500);
        for (int op = 0; op < ops; op++) {
            String what = "seed " + seed + " op " + op;
            int l = r.nextInt(lists);
            int choice = r.nextInt(10);
            if (choice < 6) {
                int id = pool.allocate();
                int held = model.stream().mapToInt(TreeMap::size).sum();
                if (held == capacity) {
                    assertThat(id).as(what + ": allocate from an empty pool").isEqualTo(SegmentPool.NONE);
                    continue;
                }
                assertThat(id).as(what + ": allocate").isBetween(0, capacity - 1);
                assertCleared(pool, id, what);
                long seq = randomSequence(r, around);
                pool.sequence[id] = seq;
                pool.length[id] = r.nextInt(17);
                boolean expected = !model.get(l).containsKey(seq);
                assertThat(list[l].insertSorted(id)).as(what + ": insertSorted of " + Long.toUnsignedString(seq))
                    .isEqualTo(expected);
                if (expected) {
                    model.get(l).put(seq, id);
                } else {
                    pool.release(id);
                }
            } else if (choice < 9) {
                Integer expected = model.get(l).isEmpty() ? null : model.get(l).pollFirstEntry().getValue();
                int id = list[l].removeHead();
                assertThat(id).as(what + ": removeHead").isEqualTo(expected == null ? SegmentPool.NONE : expected);
                if (id != SegmentPool.NONE) {
                    assertThat(pool.next[id]).as(what + ": a removed head is unlinked").isEqualTo(SegmentPool.NONE);
                    pool.release(id);
                }
            } else {
                list[l].releaseAll();
                model.get(l).clear();
            }
            for (int i = 0; i < lists; i++) {
                check(pool, list[i], model.get(i), what + " list " + i);
            }
            int held = model.stream().mapToInt(TreeMap::size).sum();
            assertThat(pool.free()).as(what + ": free").isEqualTo(capacity - held);
        }
        for (SegmentList each : list) {
            each.releaseAll();
            assertThat(each.isEmpty()).isTrue();
            assertThat(each.count).isZero();
            assertThat(each.bytes).isZero();
        }
        assertThat(pool.free()).as("releaseAll gives every segment back").isEqualTo(pool.capacity());
        // And every one of them can be allocated again, each once.
        boolean[] seen = new boolean[capacity];
        for (int i = 0; i < capacity; i++) {
            int id = pool.allocate();
            assertThat(id).isNotEqualTo(SegmentPool.NONE);
            assertThat(seen[id]).as("segment %d handed out twice", id).isFalse();
            seen[id] = true;
        }
        assertThat(pool.allocate()).isEqualTo(SegmentPool.NONE);
    }

    private static void assertCleared(SegmentPool pool, int id, String what) {
        assertThat(pool.next[id]).as(what + ": next").isEqualTo(SegmentPool.NONE);
        assertThat(pool.length[id]).as(what + ": length").isZero();
        assertThat(pool.flags[id]).as(what + ": flags").isZero();
        assertThat(pool.time[id]).as(what + ": time").isZero();
        assertThat(pool.transmissions[id]).as(what + ": transmissions").isZero();
        assertThat(pool.sacked[id]).as(what + ": sacked").isFalse();
        assertThat(pool.lost[id]).as(what + ": lost").isFalse();
    }

    @Test
    void allocateUntilEmptyThenReuseWhatIsReleased() {
        SegmentPool pool = new SegmentPool(4, 8);
        assertThat(pool.capacity()).isEqualTo(4);
        assertThat(pool.free()).isEqualTo(4);
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = pool.allocate();
            assertThat(ids[i]).isNotEqualTo(SegmentPool.NONE);
            pool.length[ids[i]] = 5;
            pool.flags[ids[i]] = 3;
            pool.time[ids[i]] = 99;
            pool.transmissions[ids[i]] = 2;
            pool.sacked[ids[i]] = true;
            pool.lost[ids[i]] = true;
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(pool.free()).isZero();
        assertThat(pool.allocate()).isEqualTo(SegmentPool.NONE);
        assertThat(pool.allocate()).isEqualTo(SegmentPool.NONE);
        pool.release(ids[2]);
        assertThat(pool.free()).isEqualTo(1);
        int again = pool.allocate();
        assertThat(again).isEqualTo(ids[2]);
        assertCleared(pool, again, "reused");
        assertThat(pool.allocate()).isEqualTo(SegmentPool.NONE);

        SegmentPool empty = new SegmentPool(0, 8);
        assertThat(empty.allocate()).isEqualTo(SegmentPool.NONE);
        assertThat(empty.free()).isZero();
    }

    @Test
    void tableOfSortedInsertionsInUnsignedOrder() {
        SegmentPool pool = new SegmentPool(16, 8);
        SegmentList list = new SegmentList(pool);
        TreeMap<Long, Integer> model = newModel();
        long[][] rows = {
            // sequence, length, accepted
            {5, 1, 1},
            {Long.MAX_VALUE, 2, 1},            // 2^63 - 1: after 5
            {Long.MIN_VALUE, 3, 1},            // 2^63: after 2^63 - 1 unsigned
            {-1L, 4, 1},                       // 2^64 - 1: last
            {0, 5, 1},                         // first
            {Long.MIN_VALUE, 6, 0},            // duplicate in the middle
            {-1L, 7, 0},                       // duplicate of the tail
            {0, 8, 0},                         // duplicate of the head
            {6, 9, 1},                         // between 5 and 2^63 - 1
            {4, 10, 1},                        // between 0 and 5
        };
        for (long[] row : rows) {
            int id = pool.allocate();
            pool.sequence[id] = row[0];
            pool.length[id] = (int) row[1];
            boolean accepted = row[2] == 1;
            String what = "sequence " + Long.toUnsignedString(row[0]);
            assertThat(list.insertSorted(id)).as(what).isEqualTo(accepted);
            if (accepted) {
                model.put(row[0], id);
            } else {
                pool.release(id);
            }
            check(pool, list, model, what);
        }
        assertThat(list.count).isEqualTo(7);
        assertThat(list.bytes).isEqualTo(1 + 2 + 3 + 4 + 5 + 9 + 10);
        long[] order = {0, 4, 5, 6, Long.MAX_VALUE, Long.MIN_VALUE, -1L};
        for (long seq : order) {
            int id = list.removeHead();
            assertThat(pool.sequence[id]).isEqualTo(seq);
            pool.release(id);
        }
        assertThat(list.removeHead()).isEqualTo(SegmentPool.NONE);
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.tail).isEqualTo(SegmentPool.NONE);
        assertThat(list.count).isZero();
        assertThat(list.bytes).isZero();
        assertThat(pool.free()).isEqualTo(16);
    }

    @Test
    void appendThenReleaseAll() {
        SegmentPool pool = new SegmentPool(5, 8);
        SegmentList list = new SegmentList(pool);
        for (int i = 0; i < 5; i++) {
            int id = pool.allocate();
            pool.sequence[id] = i;
            pool.length[id] = 8;
            list.append(id);
        }
        assertThat(list.count).isEqualTo(5);
        assertThat(list.bytes).isEqualTo(40);
        assertThat(pool.free()).isZero();
        list.releaseAll();
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.head).isEqualTo(SegmentPool.NONE);
        assertThat(list.tail).isEqualTo(SegmentPool.NONE);
        assertThat(list.count).isZero();
        assertThat(list.bytes).isZero();
        assertThat(pool.free()).isEqualTo(5);
        list.releaseAll();                                   // of an empty list: nothing
        assertThat(pool.free()).isEqualTo(5);
    }
}
