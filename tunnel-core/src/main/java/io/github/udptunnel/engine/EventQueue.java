package io.github.udptunnel.engine;

/**
 * The engine's events for the application, in a fixed ring. Events are hints the application may act on; when the
 * ring is full the oldest is overwritten, and the application can always ask a connection's state directly.
 */
final class EventQueue {

    private final EventType[] types;
    private final long[] handles;
    private final CloseReason[] reasons;
    private int head;
    private int size;

    EventQueue(int capacity) {
        types = new EventType[capacity];
        handles = new long[capacity];
        reasons = new CloseReason[capacity];
    }

    void add(EventType type, long handle, CloseReason reason) {
        if (size == types.length) {
            head = (head + 1) % types.length;
            size--;
        }
        int at = (head + size) % types.length;
        types[at] = type;
        handles[at] = handle;
        reasons[at] = reason;
        size++;
    }

    boolean poll(EngineEvent into) {
        if (size == 0) {
            return false;
        }
        into.type = types[head];
        into.handle = handles[head];
        into.reason = reasons[head];
        head = (head + 1) % types.length;
        size--;
        return true;
    }
}
