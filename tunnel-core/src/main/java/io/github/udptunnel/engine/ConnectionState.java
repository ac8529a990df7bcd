package io.github.udptunnel.engine;

/** Where a connection is in its life. */
public enum ConnectionState {
    /** Client: HELLO sent, waiting for the COOKIE. */
    HELLO_SENT,
    /** Client: INIT sent, waiting for the server's first DATA. */
    INIT_SENT,
    /** Data flows both ways. */
    ESTABLISHED,
    /** Ended; the reason says how. The slot is kept until the application releases it. */
    CLOSED,
    /** The slot is free. */
    FREE
}
