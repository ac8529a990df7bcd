package io.github.udptunnel.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits on many connections and endpoints at once, as select and poll do for sockets: {@link #select} returns the
 * registered ones that are ready (a message, the end of a stream or of a connection; a connection to accept).
 * One thread selects at a time; registering is safe from any thread.
 */
public final class TunnelSelector {

    /** The longest the selecting thread parks before it looks again, should a wake-up be missed. */
    private static final long PARK_SLICE_NANOS = 1_000_000;

    private final List<TunnelSelectable> registered = new CopyOnWriteArrayList<>();

    public TunnelSelector register(TunnelSelectable selectable) {
        if (!registered.contains(selectable)) {
            registered.add(selectable);
        }
        return this;
    }

    public TunnelSelector unregister(TunnelSelectable selectable) {
        registered.remove(selectable);
        selectable.selectingThread(null);
        return this;
    }

    /** The ready ones, waiting up to {@code timeout} for at least one; empty on timeout. */
    public List<TunnelSelectable> select(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread me = Thread.currentThread();
        for (TunnelSelectable s : registered) {
            s.selectingThread(me);
        }
        try {
            while (true) {
                List<TunnelSelectable> ready = new ArrayList<>();
                for (TunnelSelectable s : registered) {
                    if (s.isReady()) {
                        ready.add(s);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!ready.isEmpty() || left <= 0) {
                    return ready;
                }
                LockSupport.parkNanos(this, Math.min(left, PARK_SLICE_NANOS));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            for (TunnelSelectable s : registered) {
                s.selectingThread(null);
            }
        }
    }
}
