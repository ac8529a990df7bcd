package io.github.udptunnel.engine;

/** What an {@link EngineEvent} reports. */
public enum EventType {
    /** A client connection completed its handshake. */
    CONNECTED,
    /** A client connection's handshake failed; the close reason says why. */
    CONNECT_FAILED,
    /** A server has a new connection waiting in {@link Endpoint#accept}. */
    ACCEPTED,
    /** A whole message has arrived. */
    READABLE,
    /** The send buffer has room again. */
    WRITABLE,
    /** The peer's address changed (roaming): an authentic packet with the newest counter came from elsewhere. */
    PEER_MOVED,
    /** The peer finished (FIN): nothing after what has arrived. */
    PEER_FINISHED,
    /** The connection ended; the close reason says how. */
    CLOSED
}
