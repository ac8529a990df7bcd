package io.github.udptunnel.api;

/** What a {@link TunnelSelector} waits on: a connection (readable) or a server endpoint (acceptable). */
public sealed interface TunnelSelectable permits TunnelConnection, TunnelEndpoint {

    /**
     * True when the next call would not wait: for a connection, a whole message, the end of the stream or the end
     * of the connection is there; for a server endpoint, a connection waits to be accepted.
     */
    boolean isReady();

    /** Sets (or clears, with null) the thread the worker wakes when this becomes ready. */
    void selectingThread(Thread thread);
}
