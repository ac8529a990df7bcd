package io.github.udptunnel.wire;

/**
 * Every reason a received datagram is dropped, each counted under its {@link #metricName()}. The same names are
 * used in docs/PROTOCOL.md and in the statistics ({@code EngineStats.dropped}).
 */
public enum DropReason {

    /** Shorter than the 4-byte header. */
    TOO_SHORT("too-short"),
    /** The first two bytes are not 0x00 0x72: not this protocol. */
    NOT_TUNNEL("not-tunnel"),
    /** The third byte names a version this endpoint does not speak. */
    UNSUPPORTED_VERSION("unsupported-version"),
    /** The fourth byte is no packet type. */
    UNKNOWN_TYPE("unknown-type"),
    /** The datagram's length is not one its type may have (a HELLO of any size but 224, a short DATA, ...). */
    BAD_SIZE("bad-size"),
    /** A type this side never receives: HELLO or INIT at a client, COOKIE at a server. */
    UNEXPECTED_TYPE("unexpected-type"),
    /** A connection key of small order, which would make the shared key all zero. */
    LOW_ORDER_KEY("low-order-key"),
    /** Handshake work over the global or per-source rate limit. */
    RATE_LIMITED("rate-limited"),
    /** The cookie does not open under the current or the previous minute key: forged, or too old. */
    COOKIE_INVALID("cookie-invalid"),
    /** The cookie opens but names another connection key than the INIT carries. */
    COOKIE_KEY_MISMATCH("cookie-key-mismatch"),
    /** An INIT whose cookie was already used, for a connection that is no longer live. */
    INIT_REPLAYED("init-replayed"),
    /** A new connection with every slot of the connection table taken. */
    TABLE_FULL("table-full"),
    /** A COOKIE that no pending connect asked for, or that does not open. */
    COOKIE_UNEXPECTED("cookie-unexpected"),
    /** A DATA packet for a connection key no live connection has. */
    UNKNOWN_CONNECTION("unknown-connection"),
    /**
     * An authentic DATA packet for a connection that has closed and lingers that is not a retransmission to
     * acknowledge (an ack, a PING, an ABORT), or an INIT for such a connection.
     */
    CLOSED_CONNECTION("closed-connection"),
    /** The box does not authenticate under the connection key and the packet's nonce. */
    BOX_INVALID("box-invalid"),
    /** The nonce counter was seen before, or is older than the replay window. */
    REPLAYED("replayed"),
    /** The message inside an authentic box breaks the message layout. */
    MESSAGE_MALFORMED("message-malformed"),
    /** Data beyond the receive window this side advertised. */
    BEYOND_WINDOW("beyond-window");

    private final String metricName;

    DropReason(String metricName) {
        this.metricName = metricName;
    }

    /** The name used in the docs and the statistics. */
    public String metricName() {
        return metricName;
    }
}
