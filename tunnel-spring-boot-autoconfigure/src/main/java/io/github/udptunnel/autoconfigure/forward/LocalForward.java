package io.github.udptunnel.autoconfigure.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.autoconfigure.TunnelThreads;

/**
 * One local port forwarded through the tunnel to a service behind a server, as {@code ssh -L} does: every TCP
 * connection accepted on the local address gets a tunnel connection of its own to the server, which asks for the
 * service; once the server has connected to it, bytes flow both ways ({@link Splice}). When the server refuses (a
 * service not on its allow-list, a target that refuses) or the tunnel cannot be opened, the local socket is reset at
 * once and the failure counted under its reason.
 */
public final class LocalForward implements AutoCloseable {

    /** Opens a tunnel connection to a named server (the client endpoint, the resolver, the pinned key). */
    @FunctionalInterface
    public interface Connector {
        TunnelConnection connect(String server) throws IOException, InterruptedException;
    }

    private static final Log log = LogFactory.getLog(LocalForward.class);

    private final String name;
    private final String server;
    private final String service;
    private final Connector connector;
    private final Duration answerTimeout;
    private final ForwardStats stats;
    private final ServerSocket listener;
    private final Executor threads;
    private final LiveSplices live;
    private final Thread acceptor;

    /**
     * Binds the local address now (so a port in use fails here) and starts accepting.
     *
     * @param answerTimeout how long to wait for the server to connect to the service
     */
    LocalForward(String name, InetSocketAddress local, String server, String service, Connector connector,
                 Duration answerTimeout, Executor threads) throws IOException {
        this.name = name;
        this.server = server;
        this.service = service;
        this.connector = connector;
        this.answerTimeout = answerTimeout;
        this.threads = threads;
        this.live = new LiveSplices(threads);
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(local, 128);
        } catch (IOException e) {
            listener.close();
            throw new IOException("tunnel forward '" + name + "' cannot listen on " + local + ": " + e.getMessage(), e);
        }
        this.stats = new ForwardStats(ForwardStats.Side.CLIENT, name, "server " + server + ", service " + service);
        acceptor = TunnelThreads.daemonThread("tunnel-forward-" + name, this::acceptLoop);
        acceptor.start();
    }

    public String name() {
        return name;
    }

    public String server() {
        return server;
    }

    public String service() {
        return service;
    }

    /** The address it listens on, the real port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public ForwardStats stats() {
        return stats;
    }

    public boolean isOpen() {
        return !live.isClosed();
    }

    private void acceptLoop() {
        while (!live.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!live.isClosed()) {
                    log.error("Tunnel forward '" + name + "' stopped accepting on " + localAddress(), e);
                }
                return;
            }
            threads.execute(() -> open(socket));
        }
    }

    private void open(Socket socket) {
        TunnelConnection tunnel;
        try {
            socket.setTcpNoDelay(true);
            tunnel = connector.connect(server);
        } catch (IOException | RuntimeException e) {
            fail(socket, ForwardFailure.TUNNEL_CONNECT, "could not open a tunnel to server '" + server + "': "
                + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Splice.reset(socket);
            return;
        }
        ForwardProtocol.Refusal refusal;
        try {
            tunnel.send(ForwardProtocol.request(service));
            byte[] answer = tunnel.receive(answerTimeout);
            refusal = answer == null ? new ForwardProtocol.Refusal(ForwardFailure.PROTOCOL, "the server ended the"
                + " connection without answering") : ForwardProtocol.refusalIn(answer);
        } catch (SocketTimeoutException e) {
            refusal = new ForwardProtocol.Refusal(ForwardFailure.NO_ANSWER, "no answer from server '" + server
                + "' within " + answerTimeout);
        } catch (IOException e) {
            refusal = new ForwardProtocol.Refusal(ForwardFailure.RESET, e.getMessage());
        } catch (InterruptedException e) {
            tunnel.abort();
            Splice.reset(socket);
            return;
        }
        if (refusal != null) {
            tunnel.close();
            fail(socket, refusal.reason(), refusal.detail());
            return;
        }
        live.start(socket, tunnel, stats, true);
    }

    private void fail(Socket socket, ForwardFailure why, String detail) {
        stats.failed(why);
        log.info("Tunnel forward '" + name + "' (" + socket.getRemoteSocketAddress() + " to service '" + service
            + "' on server '" + server + "') failed: " + why.code() + ": " + detail);
        Splice.reset(socket);
    }

    /** Stops listening and tears down every forwarded connection. */
    @Override
    public void close() {
        live.closeAll();
        try {
            listener.close();
            // The JDK releases a listening socket that a thread is blocked accepting on only once that thread has
            // left accept(): wait for it, so that the port refuses connections when close() returns.
            if (Thread.currentThread() != acceptor) {
                acceptor.join(TimeUnit.MINUTES.toMillis(1));
            }
        } catch (IOException ignored) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "forward '" + name + "' " + localAddress() + " -> server '" + server + "', service '" + service + "'";
    }
}
