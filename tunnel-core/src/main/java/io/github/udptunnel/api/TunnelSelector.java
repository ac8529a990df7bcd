package io.github.udptunnel.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits on many connections and endpoints at once, as select and poll do for sockets: {@link #select} returns the
 * registered ones that are ready for what they were registered for: {@link #READ} (a receive would not wait: a
 * message, the end of the stream or of the connection), {@link #WRITE} (the send buffer is at most half full),
 * {@link #ACCEPT} (a connection waits to be accepted). The selecting thread sleeps until the worker publishes
 * something or {@link #wakeup} is called; it does not poll.
 *
 * <p>One thread selects at a time; registering and {@link #wakeup} are safe from any thread. A connection or an
 * endpoint is registered with one selector at a time.
 */
public final class TunnelSelector {

    public static final int READ = 1;
    public static final int WRITE = 4;
    public static final int ACCEPT = 16;

    /** A registered connection or endpoint that is ready, and for what ({@link #READ}, {@link #WRITE}, {@link #ACCEPT}). */
    public record Ready(TunnelSelectable selectable, int ops) {
        public boolean isReadable() {
            return (ops & READ) != 0;
        }

        public boolean isWritable() {
            return (ops & WRITE) != 0;
        }

        public boolean isAcceptable() {
            return (ops & ACCEPT) != 0;
        }

        public TunnelConnection connection() {
            return (TunnelConnection) selectable;
        }
    }

    private record Registration(TunnelSelectable selectable, int interest) {
    }

    private final List<Registration> registered = new CopyOnWriteArrayList<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile Thread selecting;

    /** Registers for {@link #READ} (a connection) or {@link #ACCEPT} (a server endpoint). */
    public TunnelSelector register(TunnelSelectable selectable) {
        return register(selectable, selectable instanceof TunnelEndpoint ? ACCEPT : READ);
    }

    /** Registers for {@code ops}, replacing an earlier registration of the same one. */
    public TunnelSelector register(TunnelSelectable selectable, int ops) {
        int allowed = selectable instanceof TunnelEndpoint ? ACCEPT : READ | WRITE;
        if (ops == 0 || (ops & ~allowed) != 0) {
            throw new IllegalArgumentException("ops " + ops + " do not fit " + selectable.getClass().getSimpleName()
                + ": a connection takes READ and WRITE, an endpoint ACCEPT");
        }
        registered.removeIf(r -> r.selectable() == selectable);
        registered.add(new Registration(selectable, ops));
        Thread t = selecting;
        if (t != null) {
            selectable.selectingThread(t);
            LockSupport.unpark(t);  // look at the new one too
        }
        return this;
    }

    public TunnelSelector unregister(TunnelSelectable selectable) {
        registered.removeIf(r -> r.selectable() == selectable);
        selectable.selectingThread(null);
        return this;
    }

    /** Makes the select in progress, or else the next one, return at once. */
    public void wakeup() {
        wakeupPending.set(true);
        Thread t = selecting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The ready ones, waiting up to {@code timeout} for at least one; empty on timeout or {@link #wakeup}. Throws
     * InterruptedException when the selecting thread is interrupted.
     */
    public List<Ready> select(Duration timeout) throws InterruptedException {
        long deadline = deadline(timeout);
        Thread me = Thread.currentThread();
        selecting = me;
        for (Registration r : registered) {
            r.selectable().selectingThread(me);  // before the looks below, so that nothing published after is missed
        }
        try {
            while (true) {
                List<Ready> ready = readyNow();
                if (!ready.isEmpty() || wakeupPending.getAndSet(false)) {
                    return ready;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return ready;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            selecting = null;
            for (Registration r : registered) {
                r.selectable().selectingThread(null);
            }
        }
    }

    /** The ready ones now, without waiting. */
    public List<Ready> selectNow() {
        wakeupPending.set(false);
        return readyNow();
    }

    private List<Ready> readyNow() {
        List<Ready> ready = new ArrayList<>();
        for (Registration r : registered) {
            int ops = 0;
            TunnelSelectable s = r.selectable();
            if ((r.interest() & (READ | ACCEPT)) != 0 && s.isReady()) {
                ops |= r.interest() & (READ | ACCEPT);
            }
            if ((r.interest() & WRITE) != 0 && s instanceof TunnelConnection c && c.isWritable()) {
                ops |= WRITE;
            }
            if (ops != 0) {
                ready.add(new Ready(s, ops));
            }
        }
        return ready;
    }

    private static long deadline(Duration timeout) {
        long now = System.nanoTime();
        long nanos = timeout.toNanos();
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }
}
