package io.github.udptunnel.bench.compare;

/** What the issue asks of a row: a bound on the ratio to the peer, or on the value itself when there is no peer. */
record Goal(String text, boolean atLeast, double bound) implements java.io.Serializable {

    static final Goal NONE = new Goal("", true, Double.NaN);

    static Goal atLeast(double bound, String text) {
        return new Goal(text, true, bound);
    }

    static Goal atMost(double bound, String text) {
        return new Goal(text, false, bound);
    }

    /** Null when the row has no goal. */
    Boolean met(double measured) {
        if (Double.isNaN(bound)) {
            return null;
        }
        return atLeast ? measured >= bound : measured <= bound;
    }
}
