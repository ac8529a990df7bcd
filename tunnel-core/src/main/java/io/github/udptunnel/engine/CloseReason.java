package io.github.udptunnel.engine;

/** Why a connection ended, or why a connect failed. */
public enum CloseReason {
    /** Both sides finished and every byte was acknowledged. */
    CLOSED,
    /** This side aborted it. */
    ABORTED_LOCALLY,
    /** The peer sent an authentic ABORT. */
    RESET_BY_PEER,
    /** No authentic packet from the peer for the idle timeout. */
    IDLE_TIMEOUT,
    /** The handshake did not complete within the connect timeout. */
    CONNECT_TIMEOUT,
    /** The server presented a key other than the one pinned for its name. */
    SERVER_KEY_CHANGED,
    /** The server's connection table is full. */
    SERVER_FULL,
    /** The peer sent a message larger than this side accepts. */
    MESSAGE_TOO_LARGE,
    /** The endpoint was closed. */
    ENDPOINT_CLOSED
}
