package io.github.udptunnel.engine;

/**
 * Finds a connection's slot by its 32-byte client connection key C', with no allocation: open addressing with
 * linear probing over an int array twice the table's capacity, and backward-shift deletion (no tombstones).
 * The hash is salted with a per-endpoint random value, so a peer cannot choose keys that collide.
 */
final class ConnectionIndex {

    private static final int EMPTY = -1;

    private final int[] slots;
    private final int mask;
    private final long salt;
    /** The key of each connection slot, 32 bytes each, owned by the connection table. */
    private final byte[] keys;

    ConnectionIndex(int capacity, long salt, byte[] keys) {
        int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.slots = new int[size];
        this.mask = size - 1;
        this.salt = salt;
        this.keys = keys;
        java.util.Arrays.fill(slots, EMPTY);
    }

    /** The slot whose key is {@code key[off..off+32)}, or -1. */
    int find(byte[] key, int off) {
        for (int i = home(key, off); ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == EMPTY) {
                return -1;
            }
            if (sameKey(slot, key, off)) {
                return slot;
            }
        }
    }

    /** Indexes {@code slot}, whose key the table already holds. */
    void add(int slot) {
        int i = home(keys, slot * 32);
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = slot;
    }

    void remove(int slot) {
        int i = home(keys, slot * 32);
        while (slots[i] != slot) {
            if (slots[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: move later entries of the cluster into the hole when their home allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(keys, slots[j] * 32);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
    }

    private boolean sameKey(int slot, byte[] key, int off) {
        int base = slot * 32;
        for (int i = 0; i < 32; i++) {
            if (keys[base + i] != key[off + i]) {
                return false;
            }
        }
        return true;
    }

    private int home(byte[] key, int off) {
        long h = salt;
        for (int i = 0; i < 8; i++) {
            h ^= (key[off + i] & 0xffL) << (8 * i);
        }
        h ^= ((key[off + 8] & 0xffL) | (key[off + 9] & 0xffL) << 8 | (key[off + 10] & 0xffL) << 16
            | (key[off + 11] & 0xffL) << 24) * 0x9E3779B97F4A7C15L;
        // MurmurHash3's 64-bit finalizer
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
