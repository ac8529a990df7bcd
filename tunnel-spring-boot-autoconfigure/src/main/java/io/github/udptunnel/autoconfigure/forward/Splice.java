package io.github.udptunnel.autoconfigure.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.api.TunnelConnection;

/**
 * Joins one TCP socket and one tunnel connection, both ways, on two threads (the same on both ends of a forward).
 * Each direction is a blocking copy, so backpressure is the two transports' own: a reader that stops reading fills
 * its socket buffer, the copy waits, the tunnel's flow control stops the other end, which stops reading its socket.
 * What is held per forwarded connection is fixed: one buffer per direction and the tunnel connection's rings.
 *
 * <p>The end of a stream is passed on as a half-close (a FIN on TCP, {@code shutdownOutput} on the tunnel); once
 * both directions have ended, both sides are closed. A failure on either side (a TCP reset, a tunnel reset or
 * timeout) tears both down at once: the tunnel connection is aborted and the socket reset.
 */
final class Splice {

    /** The copy buffer: a few datagrams' worth, so each tunnel message is full without holding much. */
    static final int CHUNK = 16 * 1024;

    private static final Log log = LogFactory.getLog(Splice.class);

    private final Socket socket;
    private final TunnelConnection tunnel;
    private final ForwardStats stats;
    /** True on the client side, where socket-to-tunnel is upstream. */
    private final boolean socketIsClient;
    private final Consumer<Splice> onEnd;
    private final AtomicInteger directionsLeft = new AtomicInteger(2);
    private final AtomicBoolean torn = new AtomicBoolean();

    Splice(Socket socket, TunnelConnection tunnel, ForwardStats stats, boolean socketIsClient, Consumer<Splice> onEnd) {
        this.socket = socket;
        this.tunnel = tunnel;
        this.stats = stats;
        this.socketIsClient = socketIsClient;
        this.onEnd = onEnd;
    }

    void start(Executor threads) {
        stats.started();
        threads.execute(this::socketToTunnel);
        threads.execute(this::tunnelToSocket);
    }

    /** Tears the forwarded connection down now (the forward is closing). */
    void abort() {
        tearDown(null);
    }

    private void socketToTunnel() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0) {
                    tunnel.send(buffer, 0, n);
                    stats.carried(socketIsClient, n);
                }
            }
            tunnel.shutdownOutput();
            directionEnded();
        } catch (IOException e) {
            tearDown(e);
        } catch (InterruptedException e) {
            tearDown(new InterruptedIOException("interrupted"));
        }
    }

    private void tunnelToSocket() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = tunnel.inputStream();
            OutputStream out = socket.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                stats.carried(!socketIsClient, n);
            }
            socket.shutdownOutput();
            directionEnded();
        } catch (IOException e) {
            tearDown(e);
        }
    }

    private void directionEnded() {
        if (directionsLeft.decrementAndGet() == 0 && torn.compareAndSet(false, true)) {
            tunnel.close();
            closeQuietly(socket);
            finish();
        }
    }

    /** The first failure wins; the other direction's failure is the echo of this tear-down and is not counted. */
    private void tearDown(IOException cause) {
        if (!torn.compareAndSet(false, true)) {
            return;
        }
        if (cause != null) {
            stats.failed(ForwardFailure.RESET);
            log.debug("Forwarded connection " + socket.getRemoteSocketAddress() + " <-> " + tunnel.peer()
                + " failed: " + cause);
        }
        tunnel.abort();
        reset(socket);
        finish();
    }

    private void finish() {
        stats.ended();
        onEnd.accept(this);
    }

    /** Closes with a TCP reset, so the program on the other end learns at once that the stream broke. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
