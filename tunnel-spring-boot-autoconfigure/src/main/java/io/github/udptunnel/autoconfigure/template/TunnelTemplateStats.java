package io.github.udptunnel.autoconfigure.template;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link TunnelTemplate}'s calls came to, cheap to read from any thread (for metrics): request and reply
 * ({@code sendAndReceive}) by outcome, with the time each took, and one-way sends.
 */
public final class TunnelTemplateStats {

    /** How a request ended. */
    public enum Outcome {
        /** A REPLY came back. */
        SUCCESS("success"),
        /** The listener threw: an ERROR came back ({@link TunnelRemoteException}). */
        REMOTE_ERROR("remote-error"),
        /** No answer within the reply timeout. */
        TIMEOUT("timeout"),
        /** No connection, a connection that ended, a payload that could not be converted... */
        FAILURE("failure");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code outcome} tag. */
        public String tag() {
            return tag;
        }
    }

    private final LongAdder[] counts = adders();
    private final LongAdder[] nanos = adders();
    final LongAdder sent = new LongAdder();
    final LongAdder sendFailures = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Outcome.values().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void record(Outcome outcome, long elapsedNanos) {
        counts[outcome.ordinal()].increment();
        nanos[outcome.ordinal()].add(elapsedNanos);
    }

    /** Requests that ended with {@code outcome}. */
    public long requests(Outcome outcome) {
        return counts[outcome.ordinal()].sum();
    }

    /** Nanoseconds those requests took, from the call to its outcome. */
    public long requestNanos(Outcome outcome) {
        return nanos[outcome.ordinal()].sum();
    }

    /** One-way messages handed to the connection. */
    public long sent() {
        return sent.sum();
    }

    /** One-way messages that could not be sent. */
    public long sendFailures() {
        return sendFailures.sum();
    }
}
