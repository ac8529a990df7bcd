package io.github.udptunnel.engine;

/**
 * The engine's event counters, beside the drop counters of {@link io.github.udptunnel.wire.DropReason}. Each
 * name is the one used in the statistics.
 */
public enum Counter {
    HELLO_SENT("hello-sent"),
    HELLO_RECEIVED("hello-received"),
    COOKIE_SENT("cookie-sent"),
    COOKIE_RECEIVED("cookie-received"),
    INIT_SENT("init-sent"),
    INIT_RECEIVED("init-received"),
    DATA_SENT("data-sent"),
    DATA_RECEIVED("data-received"),
    BYTES_SENT("bytes-sent"),
    BYTES_RECEIVED("bytes-received"),
    /** HELLO bytes received and COOKIE bytes sent, for the amplification ratio. */
    HELLO_BYTES_RECEIVED("hello-bytes-received"),
    COOKIE_BYTES_SENT("cookie-bytes-sent"),
    HANDSHAKES_COMPLETED("handshakes-completed"),
    HANDSHAKES_FAILED("handshakes-failed"),
    CONNECTIONS_OPENED("connections-opened"),
    CONNECTIONS_CLOSED("connections-closed"),
    RETRANSMITS("retransmits"),
    /** Data that arrived twice: a retransmission that was not needed, or a duplicate made by the network. */
    DUPLICATES_RECEIVED("duplicates-received"),
    FAST_RETRANSMITS("fast-retransmits"),
    TIMEOUTS("retransmission-timeouts"),
    RANDOM_LOSSES("random-losses"),
    CONGESTIVE_LOSSES("congestive-losses"),
    PEER_ADDRESS_CHANGES("peer-address-changes"),
    MESSAGES_DELIVERED("messages-delivered"),
    MINUTE_KEY_ROTATIONS("minute-key-rotations"),
    /** Times the server went under load because its input was backlogged with handshakes among it. */
    LOAD_DETECTED("load-detected"),
    /** Acks of a retransmitted FIN sent for a closed connection, from what its close linger keeps. */
    LINGER_ACKS("linger-acks"),
    /** Closed connections forgotten before their linger ended because the linger table was full. */
    LINGERS_EVICTED("lingers-evicted");

    private final String metricName;

    Counter(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
