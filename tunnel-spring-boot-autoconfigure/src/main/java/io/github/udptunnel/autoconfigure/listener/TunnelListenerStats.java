package io.github.udptunnel.autoconfigure.listener;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the listener container, cheap to read from any thread (for metrics and health). */
public final class TunnelListenerStats {

    final LongAdder connections = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder handled = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder unroutable = new LongAdder();
    final LongAdder replies = new LongAdder();
    final LongAdder errorReplies = new LongAdder();
    final LongAdder unsentReplies = new LongAdder();
    final LongAdder handledNanos = new LongAdder();
    final LongAdder failedNanos = new LongAdder();

    /** Connections the container accepted. */
    public long connections() {
        return connections.sum();
    }

    /** Messages read from connections and handed to listeners. */
    public long received() {
        return received.sum();
    }

    /** Listener calls that returned. */
    public long handled() {
        return handled.sum();
    }

    /** Listener calls that threw, and payloads that could not be converted for them. */
    public long failed() {
        return failed.sum();
    }

    /** Messages that were not frames, or not frames a server takes (a REPLY). */
    public long malformed() {
        return malformed.sum();
    }

    /** Messages for a route no listener has. */
    public long unroutable() {
        return unroutable.sum();
    }

    /** REPLY frames sent. */
    public long replies() {
        return replies.sum();
    }

    /** ERROR frames sent. */
    public long errorReplies() {
        return errorReplies.sum();
    }

    /** Replies that could not be sent because the connection had ended. */
    public long unsentReplies() {
        return unsentReplies.sum();
    }

    /** Nanoseconds spent in listener calls that returned (with the conversion of their payload and reply). */
    public long handledNanos() {
        return handledNanos.sum();
    }

    /** Nanoseconds spent in listener calls that threw, or whose payload could not be converted. */
    public long failedNanos() {
        return failedNanos.sum();
    }

    @Override
    public String toString() {
        return "TunnelListenerStats[received=" + received() + ", handled=" + handled() + ", failed=" + failed()
            + ", malformed=" + malformed() + ", unroutable=" + unroutable() + ", replies=" + replies()
            + ", errorReplies=" + errorReplies() + "]";
    }
}
