package io.github.udptunnel.bench.compare;

/**
 * One result: the tunnel's value of a measure beside one peer's value of the same measure in the same run (or no
 * peer), and the goal the ratio (or, without a peer, the value) is held to.
 */
record Row(String section, String what, String unit, Samples value, String peer, Samples peerValue, Goal goal)
    implements java.io.Serializable {

    double ratio() {
        return peerValue == null ? Double.NaN : value.median() / peerValue.median();
    }

    Boolean met() {
        return goal.met(peerValue == null ? value.median() : ratio());
    }
}
