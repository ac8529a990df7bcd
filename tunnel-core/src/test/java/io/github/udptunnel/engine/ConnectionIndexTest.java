package io.github.udptunnel.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectionIndex}: random add/remove/find against a {@link HashMap} model, with families of keys that share
 * their first 12 bytes (all the hash reads, so they share a home and a cluster), tables filled to capacity, removes
 * of slots that are not indexed, and clusters that wrap past the end of the slot array.
 */
class ConnectionIndexTest {

    private static final long BASE = 0x1DE7_0000L;
    private static final int COUNT = 200;
    private static final HexFormat HEX = HexFormat.of();

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    /** The connection table the index is built over: keys at slot * 32, a model of what is indexed, free slots. */
    private static final class Table {
        final int capacity;
        final byte[] keys;
        final ConnectionIndex index;
        final Map<String, Integer> model = new HashMap<>();
        final boolean[] indexed;
        final List<byte[]> prefixes = new ArrayList<>();

        Table(int capacity, long salt) {
            this.capacity = capacity;
            this.keys = new byte[capacity * 32];
            this.index = new ConnectionIndex(capacity, salt, keys);
            this.indexed = new boolean[capacity];
        }

        byte[] keyOf(int slot) {
            return Arrays.copyOfRange(keys, slot * 32, slot * 32 + 32);
        }

        void add(int slot, byte[] key) {
            assertThat(indexed[slot]).as("test bug: slot %d already indexed", slot).isFalse();
            assertThat(model).as("test bug: key already present").doesNotContainKey(HEX.formatHex(key));
            System.arraycopy(key, 0, keys, slot * 32, 32);
            index.add(slot);
            indexed[slot] = true;
            model.put(HEX.formatHex(key), slot);
        }

        void remove(int slot) {
            if (indexed[slot]) {
                model.remove(HEX.formatHex(keyOf(slot)));
                indexed[slot] = false;
            }
            index.remove(slot);
        }

        int freeSlot(SplittableRandom r) {
            int start = r.nextInt(capacity);
            for (int i = 0; i < capacity; i++) {
                int s = (start + i) % capacity;
                if (!indexed[s]) {
                    return s;
                }
            }
            return -1;
        }

        int usedSlot(SplittableRandom r) {
            int start = r.nextInt(capacity);
            for (int i = 0; i < capacity; i++) {
                int s = (start + i) % capacity;
                if (indexed[s]) {
                    return s;
                }
            }
            return -1;
        }

        /** A key not in the model: fresh, or sharing the first 12 bytes with a family, or near an indexed key. */
        byte[] newKey(SplittableRandom r) {
            for (int attempt = 0; ; attempt++) {
                byte[] key = new byte[32];
                r.nextBytes(key);
                int kind = r.nextInt(4);
                if (kind >= 1 && !prefixes.isEmpty()) {
                    byte[] prefix = prefixes.get(r.nextInt(prefixes.size()));
                    System.arraycopy(prefix, 0, key, 0, 12);
                    if (kind == 3) {
                        // Only the last byte differs from a family member: the later bytes decide.
                        Arrays.fill(key, 12, 31, (byte) 0x5A);
                    }
                } else if (prefixes.size() < 4) {
                    prefixes.add(Arrays.copyOf(key, 12));
                }
                if (!model.containsKey(HEX.formatHex(key))) {
                    return key;
                }
                assertThat(attempt).as("could not make a fresh key").isLessThan(1000);
            }
        }

        void checkAll(String what) {
            for (Map.Entry<String, Integer> e : model.entrySet()) {
                byte[] key = HEX.parseHex(e.getKey());
                assertThat(index.find(key, 0)).as("%s: find of indexed key %s", what, e.getKey())
                    .isEqualTo(e.getValue());
            }
            for (int slot = 0; slot < capacity; slot++) {
                if (!indexed[slot]) {
                    // A slot's stale key bytes must not be found once the slot left the index (unless reused).
                    String stale = HEX.formatHex(keyOf(slot));
                    if (!model.containsKey(stale)) {
                        assertThat(index.find(keys, slot * 32)).as("%s: stale key of free slot %d", what, slot)
                            .isEqualTo(-1);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomAddRemoveFindAgreeWithAHashMap(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 8 : 80);
        Table t = new Table(capacity, r.nextLong());
        int ops = 300 + r.nextInt(700);
        for (int op = 0; op < ops; op++) {
            String what = "seed " + seed + " op " + op;
            int choice = r.nextInt(10);
            if (choice < 4) {
                int slot = t.freeSlot(r);
                if (slot >= 0) {
                    t.add(slot, t.newKey(r));
                }
            } else if (choice < 6) {
                int slot = t.usedSlot(r);
                if (slot >= 0) {
                    t.remove(slot);
                }
            } else if (choice < 7) {
                // Remove of a slot that is not indexed: nothing changes.
                int slot = t.freeSlot(r);
                if (slot >= 0) {
                    t.remove(slot);
                }
            } else if (choice < 9) {
                // Find of an absent key that shares the first 12 bytes (or all but one byte) of an indexed one.
                int slot = t.usedSlot(r);
                if (slot >= 0) {
                    byte[] probe = t.keyOf(slot);
                    int at = 12 + r.nextInt(20);
                    probe[at] ^= (byte) (1 + r.nextInt(255));
                    Integer expected = t.model.get(HEX.formatHex(probe));
                    assertThat(t.index.find(probe, 0)).as(what).isEqualTo(expected == null ? -1 : expected);
                }
            } else {
                // Find at an offset inside a larger array.
                byte[] key = t.newKey(r);
                byte[] big = new byte[100];
                int off = r.nextInt(100 - 32 + 1);
                System.arraycopy(key, 0, big, off, 32);
                assertThat(t.index.find(big, off)).as(what).isEqualTo(-1);
                int slot = t.usedSlot(r);
                if (slot >= 0) {
                    System.arraycopy(t.keys, slot * 32, big, off, 32);
                    assertThat(t.index.find(big, off)).as(what).isEqualTo(slot);
                }
            }
            t.checkAll(what);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void filledToCapacityWithOneSharedPrefixThenEmptiedInRandomOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(64);
        Table t = new Table(capacity, r.nextLong());
        byte[] prefix = new byte[12];
        r.nextBytes(prefix);
        List<Integer> order = new ArrayList<>();
        for (int slot = 0; slot < capacity; slot++) {
            byte[] key = new byte[32];
            r.nextBytes(key);
            if (r.nextInt(4) != 0) {
                System.arraycopy(prefix, 0, key, 0, 12);  // most keys share one home: one long cluster
            }
            if (t.model.containsKey(HEX.formatHex(key))) {
                key[31] ^= 1;
            }
            t.add(slot, key);
            order.add(slot);
        }
        t.checkAll("full");
        // A key that shares the prefix but is in no slot walks the whole cluster and misses.
        byte[] absent = new byte[32];
        System.arraycopy(prefix, 0, absent, 0, 12);
        Arrays.fill(absent, 12, 32, (byte) 0xEE);
        if (!t.model.containsKey(HEX.formatHex(absent))) {
            assertThat(t.index.find(absent, 0)).isEqualTo(-1);
        }
        for (int i = order.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer tmp = order.get(i);
            order.set(i, order.get(j));
            order.set(j, tmp);
        }
        for (int slot : order) {
            t.remove(slot);
            t.remove(slot);  // a second remove is of an absent slot
            t.checkAll("after removing " + slot);
        }
        assertThat(t.model).isEmpty();
        for (int slot = 0; slot < capacity; slot++) {
            assertThat(t.index.find(t.keys, slot * 32)).isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void clustersThatWrapPastTheEndOfTheSlotArray(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 4 + r.nextInt(30);
        Table t = new Table(capacity, r.nextLong());
        int mask = mask(t.index);
        // Families of keys whose home is one of the last two array positions (found through the private hash),
        // and one whose home is position 0, so clusters run over the end and meet the one at the start.
        List<byte[]> nearEnd = new ArrayList<>();
        byte[] atStart = null;
        byte[] probe = new byte[32];
        while (nearEnd.size() < 2 || atStart == null) {
            r.nextBytes(probe);
            int home = home(t.index, probe);
            if (home >= mask - 1 && nearEnd.size() < 2) {
                nearEnd.add(Arrays.copyOf(probe, 12));
            } else if (home == 0 && atStart == null) {
                atStart = Arrays.copyOf(probe, 12);
            }
        }
        List<byte[]> families = List.of(nearEnd.get(0), nearEnd.get(1), atStart);
        for (int op = 0; op < 2000; op++) {
            if (r.nextInt(3) != 0) {
                int slot = t.freeSlot(r);
                if (slot >= 0) {
                    byte[] key = new byte[32];
                    r.nextBytes(key);
                    System.arraycopy(families.get(r.nextInt(3)), 0, key, 0, 12);
                    t.add(slot, key);
                }
            } else {
                int slot = t.usedSlot(r);
                if (slot >= 0) {
                    t.remove(slot);
                }
            }
            t.checkAll("seed " + seed + " op " + op);
        }
        // Empty, then fill up with the families in turn: the clusters now certainly wrap.
        for (int slot = 0; slot < capacity; slot++) {
            t.remove(slot);
        }
        t.checkAll("emptied");
        for (int slot = 0; slot < capacity; slot++) {
            byte[] key = new byte[32];
            r.nextBytes(key);
            System.arraycopy(families.get(slot % 3), 0, key, 0, 12);
            t.add(slot, key);
        }
        int[] slots = slots(t.index);
        assertThat(slots[mask]).as("the last array position is taken").isNotEqualTo(-1);
        assertThat(slots[0]).as("the first array position is taken").isNotEqualTo(-1);
        t.checkAll("full");
        for (int slot = 0; slot < capacity; slot++) {
            t.remove(slot);
            t.checkAll("emptying, slot " + slot);
        }
        assertThat(slots(t.index)).containsOnly(-1);
    }

    @Test
    void tableOfSmallCases() {
        // Capacity 1: add, find, a key differing only in its last byte, remove, find again.
        Table t = new Table(1, 42);
        byte[] a = new byte[32];
        Arrays.fill(a, (byte) 7);
        byte[] b = a.clone();
        b[31] = 8;
        assertThat(t.index.find(a, 0)).isEqualTo(-1);
        t.remove(0);                                      // nothing indexed yet
        t.add(0, a);
        assertThat(t.index.find(a, 0)).isEqualTo(0);
        assertThat(t.index.find(b, 0)).isEqualTo(-1);
        t.remove(0);
        assertThat(t.index.find(a, 0)).isEqualTo(-1);
        t.add(0, b);
        assertThat(t.index.find(b, 0)).isEqualTo(0);
        assertThat(t.index.find(a, 0)).isEqualTo(-1);

        // Keys equal in bytes 0..11 and differing in exactly one later byte each.
        Table u = new Table(21, -1);
        byte[] base = new byte[32];
        for (int slot = 0; slot < 21; slot++) {
            byte[] k = base.clone();
            if (slot > 0) {
                k[11 + slot] = (byte) slot;              // bytes 12..31
            }
            u.add(slot, k);
        }
        u.checkAll("21 keys, one prefix");
        u.remove(0);                                      // the head of the cluster
        u.remove(20);                                     // its tail
        u.remove(10);                                     // its middle
        u.checkAll("three removed");
        assertThat(u.index.find(base, 0)).isEqualTo(-1);
    }

    private static int home(ConnectionIndex index, byte[] key) throws Exception {
        Method m = ConnectionIndex.class.getDeclaredMethod("home", byte[].class, int.class);
        m.setAccessible(true);
        return (int) m.invoke(index, key, 0);
    }

    private static int mask(ConnectionIndex index) throws Exception {
        Field f = ConnectionIndex.class.getDeclaredField("mask");
        f.setAccessible(true);
        return f.getInt(index);
    }

    private static int[] slots(ConnectionIndex index) throws Exception {
        Field f = ConnectionIndex.class.getDeclaredField("slots");
        f.setAccessible(true);
        return (int[]) f.get(index);
    }
}
