package io.github.udptunnel.autoconfigure.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder from 127.0.0.1:(random port) to a target, for taking a database away from a client at the
 * network: {@link #cut()} resets every forwarded connection and, until {@link #restore()}, resets each new one as
 * soon as it is accepted (the port stays bound, so restoring cannot lose it). The server behind it never notices
 * anything but clients going away.
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> open = new HashSet<>();
    private final AtomicInteger refused = new AtomicInteger();
    private boolean cut;
    private volatile boolean closed;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections refused while cut. */
    int refused() {
        return refused.get();
    }

    /** Resets every forwarded connection and refuses new ones until {@link #restore()}. */
    synchronized void cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    synchronized void restore() {
        cut = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;  // closed
            }
            Socket server = null;
            try {
                synchronized (this) {
                    if (cut) {
                        refused.incrementAndGet();
                        reset(client);
                        continue;
                    }
                }
                server = new Socket();
                server.connect(target, 10_000);
                if (!register(client, server)) {
                    refused.incrementAndGet();
                    continue;
                }
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                reset(client);
                if (server != null) {
                    reset(server);
                }
            }
        }
    }

    /** Registers a pair unless a cut came while it was being connected (then both ends are reset). */
    private synchronized boolean register(Socket client, Socket server) {
        if (cut || closed) {
            reset(client);
            reset(server);
            return false;
        }
        open.add(client);
        open.add(server);
        return true;
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: the other follows
            } finally {
                synchronized (this) {
                    open.remove(from);
                    open.remove(to);
                }
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with a reset (linger 0), as a network that drops a connection looks to both ends. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        cut();
    }
}
