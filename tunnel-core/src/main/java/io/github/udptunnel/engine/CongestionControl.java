package io.github.udptunnel.engine;

/**
 * A sender's congestion window, in packets. The sender calls {@link #onAck} for every ack that acknowledges
 * something new, {@link #onLoss} once per loss episode (a window of data with losses in it), and
 * {@link #onTimeout} when the retransmission timer fires.
 */
interface CongestionControl {

    /** Packets the sender may have in flight. */
    int window();

    /**
     * Whether the window doubles every round now: the sender then paces at twice the window per round trip, not
     * {@link Sender#PACING_GAIN} times, so that the next round's window can leave within one.
     */
    default boolean inSlowStart() {
        return false;
    }

    /**
     * @param acked       packets newly acknowledged (cumulatively or selectively)
     * @param delivered   one past the highest sequence number delivered (sacked or cumulatively acked): a round
     *                    trip ends when this passes the {@code nextSeq} seen at its start
     * @param nextSeq     one past the highest sequence number sent so far
     * @param rttNanos    an RTT sample taken from this ack, or -1
     * @param baseRttNanos the smallest RTT seen on the path
     */
    void onAck(long nowNanos, int acked, long delivered, long nextSeq, long rttNanos, long baseRttNanos);

    /** {@code packets} more were found lost (each counted once), before {@link #onLoss} for the episode. */
    default void onLost(int packets) {
    }

    /** A loss was detected; returns true when it was taken as congestion and the window shrank. */
    boolean onLoss(long nowNanos);

    void onTimeout(long nowNanos);
}
