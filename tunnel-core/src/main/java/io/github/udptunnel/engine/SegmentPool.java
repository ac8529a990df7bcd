package io.github.udptunnel.engine;

/**
 * Every byte of application data an engine holds, sent or received, lives in one pool of fixed-size segments: one
 * segment is one packet's data and what the reliable transport knows of it. Connections hold linked lists of
 * segment ids ({@link SegmentList}), so memory is bounded by the pool, not by the number of connections, and nothing
 * is allocated per packet once warm. Fields are parallel arrays indexed by segment id, made at start-up; a segment's
 * bytes are made the first time it is taken and then kept, and a released segment is the next one taken, so the
 * bytes made follow the most data held at once, not {@code bufferSegments}.
 */
final class SegmentPool {

    static final int NONE = -1;

    final byte[][] data;
    final long[] sequence;
    final int[] length;
    final int[] flags;
    /** Nanos of the segment's last transmission (sender) or of its arrival (receiver). */
    final long[] time;
    final int[] transmissions;
    final boolean[] sacked;
    final boolean[] lost;
    final int[] next;

    private final int segmentSize;
    private int freeHead;
    private int free;

    SegmentPool(int segments, int segmentSize) {
        this.segmentSize = segmentSize;
        data = new byte[segments][];
        sequence = new long[segments];
        length = new int[segments];
        flags = new int[segments];
        time = new long[segments];
        transmissions = new int[segments];
        sacked = new boolean[segments];
        lost = new boolean[segments];
        next = new int[segments];
        for (int i = 0; i < segments; i++) {
            next[i] = i + 1 < segments ? i + 1 : NONE;
        }
        freeHead = segments > 0 ? 0 : NONE;
        free = segments;
    }

    /** A cleared segment, or {@link #NONE} when the pool is empty. */
    int allocate() {
        int id = freeHead;
        if (id == NONE) {
            return NONE;
        }
        freeHead = next[id];
        free--;
        if (data[id] == null) {
            data[id] = new byte[segmentSize];
        }
        next[id] = NONE;
        length[id] = 0;
        flags[id] = 0;
        time[id] = 0;
        transmissions[id] = 0;
        sacked[id] = false;
        lost[id] = false;
        return id;
    }

    void release(int id) {
        next[id] = freeHead;
        freeHead = id;
        free++;
    }

    int free() {
        return free;
    }

    /** Segments whose bytes have been made. */
    int made() {
        int n = 0;
        for (byte[] d : data) {
            if (d != null) {
                n++;
            }
        }
        return n;
    }

    int capacity() {
        return data.length;
    }
}
