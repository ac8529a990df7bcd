package io.github.udptunnel.autoconfigure.forward;

import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.github.udptunnel.api.TunnelConnection;

/**
 * The forwarded connections one forward (or a server's forwarder) carries now, so that closing it tears them all
 * down, including one that starts while it closes.
 */
final class LiveSplices {

    private final Set<Splice> live = ConcurrentHashMap.newKeySet();
    private final Executor threads;
    private volatile boolean closed;

    LiveSplices(Executor threads) {
        this.threads = threads;
    }

    /** Joins {@code socket} and {@code tunnel} both ways (see {@link Splice}) until either ends. */
    void start(Socket socket, TunnelConnection tunnel, ForwardStats stats, boolean socketIsClient) {
        Splice splice = new Splice(socket, tunnel, stats, socketIsClient, live::remove);
        live.add(splice);
        splice.start(threads);
        if (closed) {  // closed while this one started: the loop below may have missed it
            splice.abort();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void closeAll() {
        closed = true;
        live.forEach(Splice::abort);
    }
}
