package io.github.udptunnel.engine;

/** A singly linked list of pool segments, in sequence order, with its count and data bytes. */
final class SegmentList {

    private final SegmentPool pool;
    int head = SegmentPool.NONE;
    int tail = SegmentPool.NONE;
    int count;
    long bytes;

    SegmentList(SegmentPool pool) {
        this.pool = pool;
    }

    boolean isEmpty() {
        return head == SegmentPool.NONE;
    }

    void append(int id) {
        pool.next[id] = SegmentPool.NONE;
        if (tail == SegmentPool.NONE) {
            head = id;
        } else {
            pool.next[tail] = id;
        }
        tail = id;
        count++;
        bytes += pool.length[id];
    }

    /** Removes and returns the first segment, or NONE. */
    int removeHead() {
        int id = head;
        if (id != SegmentPool.NONE) {
            head = pool.next[id];
            if (head == SegmentPool.NONE) {
                tail = SegmentPool.NONE;
            }
            pool.next[id] = SegmentPool.NONE;
            count--;
            bytes -= pool.length[id];
        }
        return id;
    }

    /**
     * Inserts in sequence order; returns false, inserting nothing, when a segment of the same sequence is there.
     * Out-of-order arrivals are mostly near the end, so the walk starts with a look at the tail.
     */
    boolean insertSorted(int id) {
        long seq = pool.sequence[id];
        if (tail == SegmentPool.NONE || Long.compareUnsigned(pool.sequence[tail], seq) < 0) {
            append(id);
            return true;
        }
        int prev = SegmentPool.NONE;
        int at = head;
        while (at != SegmentPool.NONE && Long.compareUnsigned(pool.sequence[at], seq) < 0) {
            prev = at;
            at = pool.next[at];
        }
        if (at != SegmentPool.NONE && pool.sequence[at] == seq) {
            return false;
        }
        pool.next[id] = at;
        if (prev == SegmentPool.NONE) {
            head = id;
        } else {
            pool.next[prev] = id;
        }
        count++;
        bytes += pool.length[id];
        return true;
    }

    /** Returns every segment to the pool. */
    void releaseAll() {
        int id = head;
        while (id != SegmentPool.NONE) {
            int next = pool.next[id];
            pool.release(id);
            id = next;
        }
        head = SegmentPool.NONE;
        tail = SegmentPool.NONE;
        count = 0;
        bytes = 0;
    }
}
