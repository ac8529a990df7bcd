package io.github.udptunnel.engine;

/** A fixed-capacity FIFO of ints (slot numbers), allocated once. */
final class IntQueue {

    private final int[] items;
    private int head;
    private int size;

    IntQueue(int capacity) {
        items = new int[Math.max(1, capacity)];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Adds at the tail; false when full. */
    boolean add(int value) {
        if (size == items.length) {
            return false;
        }
        items[(head + size) % items.length] = value;
        size++;
        return true;
    }

    /** Adds at the head, to be polled next; false when full. */
    boolean addFirst(int value) {
        if (size == items.length) {
            return false;
        }
        head = (head + items.length - 1) % items.length;
        items[head] = value;
        size++;
        return true;
    }

    int peek() {
        return items[head];
    }

    int poll() {
        int value = items[head];
        head = (head + 1) % items.length;
        size--;
        return value;
    }
}
