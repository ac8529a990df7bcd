package io.github.udptunnel.engine;

import java.util.Arrays;

/**
 * The next deadline of every connection slot, in an indexed binary min-heap: setting, moving and removing a slot's
 * deadline is O(log n), the earliest is O(1), and nothing is allocated after construction.
 */
final class DeadlineHeap {

    private final int[] heap;
    private final int[] position;
    private final long[] deadline;
    private int size;

    DeadlineHeap(int capacity) {
        heap = new int[capacity];
        position = new int[capacity];
        deadline = new long[capacity];
        Arrays.fill(position, -1);
    }

    /** Sets (or moves) the deadline of {@code slot}; Long.MAX_VALUE removes it. */
    void set(int slot, long when) {
        if (when == Long.MAX_VALUE) {
            remove(slot);
            return;
        }
        int at = position[slot];
        if (at < 0) {
            at = size++;
            heap[at] = slot;
            position[slot] = at;
            deadline[slot] = when;
            up(at);
            return;
        }
        long old = deadline[slot];
        deadline[slot] = when;
        if (when < old) {
            up(at);
        } else {
            down(at);
        }
    }

    void remove(int slot) {
        int at = position[slot];
        if (at < 0) {
            return;
        }
        position[slot] = -1;
        int last = heap[--size];
        if (at != size) {
            heap[at] = last;
            position[last] = at;
            up(at);
            down(position[last]);
        }
    }

    /** The earliest deadline, or Long.MAX_VALUE. */
    long earliest() {
        return size == 0 ? Long.MAX_VALUE : deadline[heap[0]];
    }

    /** The slot of the earliest deadline, or -1. */
    int earliestSlot() {
        return size == 0 ? -1 : heap[0];
    }

    private void up(int at) {
        int slot = heap[at];
        long d = deadline[slot];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (deadline[heap[parent]] <= d) {
                break;
            }
            heap[at] = heap[parent];
            position[heap[at]] = at;
            at = parent;
        }
        heap[at] = slot;
        position[slot] = at;
    }

    private void down(int at) {
        int slot = heap[at];
        long d = deadline[slot];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && deadline[heap[child + 1]] < deadline[heap[child]]) {
                child++;
            }
            if (deadline[heap[child]] >= d) {
                break;
            }
            heap[at] = heap[child];
            position[heap[at]] = at;
            at = child;
        }
        heap[at] = slot;
        position[slot] = at;
    }
}
