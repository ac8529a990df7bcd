package io.github.udptunnel.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.EngineConfig;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.io.EndpointWorker;
import io.github.udptunnel.trust.KnownHosts;

/**
 * A bound UDP socket with its worker thread: the tunnel's socket, listen and accept for a server, connect for a
 * client. Made with {@link #server} or {@link #client}, then {@link Builder#open}. Thread-safe.
 *
 * <pre>{@code
 * try (TunnelEndpoint server = TunnelEndpoint.server(key).bind(new InetSocketAddress(4433)).open()) {
 *     TunnelConnection c = server.accept();
 *     c.send(c.receive());
 * }
 * }</pre>
 */
public final class TunnelEndpoint implements AutoCloseable, TunnelSelectable {

    private final EndpointWorker worker;
    private final int maxMessageBytes;

    private TunnelEndpoint(EndpointWorker worker, int maxMessageBytes) {
        this.worker = worker;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** A server with its long-term key. */
    public static Builder server(KeyPair key) {
        return new Builder(EngineConfig.builder().serverKey(Objects.requireNonNull(key, "key")));
    }

    /** A client that pins server keys in {@code knownHosts}. */
    public static Builder client(KnownHosts knownHosts) {
        return new Builder(EngineConfig.builder().knownHosts(Objects.requireNonNull(knownHosts, "knownHosts")));
    }

    public InetSocketAddress localAddress() {
        return worker.localAddress();
    }

    /** Waits for the next connection a client opens. */
    public TunnelConnection accept() throws IOException, InterruptedException {
        TunnelConnection c;
        while ((c = accept(Duration.ofDays(1))) == null) {
            // keep waiting
        }
        return c;
    }

    /** The next connection within {@code timeout}, or null. */
    public TunnelConnection accept(Duration timeout) throws IOException, InterruptedException {
        requireServer();
        ConnectionChannel ch = worker.accept(timeout.toNanos());
        return ch == null ? null : new TunnelConnection(worker, ch, maxMessageBytes);
    }

    /** The next connection if one is waiting, or null. */
    public TunnelConnection tryAccept() throws IOException {
        requireServer();
        try {
            ConnectionChannel ch = worker.accept(0);
            return ch == null ? null : new TunnelConnection(worker, ch, maxMessageBytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Connects to {@code server}, pinning its key under its address ({@code host:port}). */
    public TunnelConnection connect(InetSocketAddress server, Duration timeout) throws IOException, InterruptedException {
        return connect(server, server.getHostString() + ":" + server.getPort(), timeout);
    }

    /**
     * Connects to {@code server}, whose key is checked against the one pinned for {@code host} (pinned on first
     * use). Throws {@link ConnectTimeoutException}, {@link ServerKeyChangedException}, {@link ServerFullException}.
     */
    public TunnelConnection connect(InetSocketAddress server, String host, Duration timeout)
        throws IOException, InterruptedException {
        if (worker.isServer()) {
            throw new IllegalStateException("this endpoint is a server: it accepts connections, it does not make them");
        }
        CompletableFuture<ConnectionChannel> result = worker.connect(server, host);
        ConnectionChannel ch;
        try {
            ch = result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.thenAccept(late -> abortQuietly(late));
            throw new ConnectTimeoutException("connect to " + server + " (" + host + ") timed out after " + timeout
                + ": no answer, or the server is not a tunnel server");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("connect to " + server + " failed: " + e.getCause(), e.getCause());
        }
        if (ch.closeReason() != null) {
            throw TunnelException.of(ch.closeReason(), "connect to " + server + " failed: " + ch.closeDescription());
        }
        return new TunnelConnection(worker, ch, maxMessageBytes);
    }

    private void abortQuietly(ConnectionChannel ch) {
        try {
            worker.abort(ch, ch.handle());
        } catch (IOException ignored) {
            // the endpoint closed meanwhile: nothing to abort
        }
    }

    /**
     * Moves this endpoint to a new socket on {@code bind} (port 0 for any), as when a client's address changes;
     * its connections go on. Returns the new local address.
     */
    public InetSocketAddress rebind(InetSocketAddress bind) throws IOException, InterruptedException {
        try {
            return worker.rebind(bind).get();
        } catch (ExecutionException e) {
            throw new IOException("rebind to " + bind + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Ready for {@link TunnelSelector}: a server with a connection waiting to be accepted. */
    @Override
    public boolean isReady() {
        return worker.acceptable();
    }

    @Override
    public void selectingThread(Thread thread) {
        worker.acceptWaiter(thread);
    }

    /** A row for every connection (peer, server key, RTT, window, bytes, last activity), taken on the worker. */
    public java.util.List<io.github.udptunnel.engine.ConnectionStats> connections()
        throws IOException, InterruptedException {
        try {
            return worker.allConnectionStats().get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** Every counter of the endpoint, cheap to read from any thread. */
    public EngineStats stats() {
        return worker.stats();
    }

    /** Closes every connection and the socket; threads waiting on any of them wake with an exception. */
    @Override
    public void close() {
        worker.close();
    }

    private void requireServer() {
        if (!worker.isServer()) {
            throw new IllegalStateException("this endpoint is a client: it connects, it does not accept");
        }
    }

    /** How an endpoint is made. */
    public static final class Builder {
        private final EngineConfig.Builder engine;
        private InetSocketAddress bind = new InetSocketAddress(0);
        private int ringBytes = 64 * 1024;
        private String name = "tunnel-worker";
        private int maxMessageBytes = 1 << 20;

        private Builder(EngineConfig.Builder engine) {
            this.engine = engine;
        }

        /** The local address; port 0 for any free port (the default for clients). */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "bind");
            return this;
        }

        /** Adjusts the engine's settings (connections, windows, timers, rate limits). */
        public Builder engine(UnaryOperator<EngineConfig.Builder> settings) {
            settings.apply(engine);
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            engine.maxMessageBytes(bytes);
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Bytes of each connection's ring buffer, each way; a power of two, at least 4 KiB. */
        public Builder ringBytes(int bytes) {
            if (bytes < 4096 || Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("ringBytes must be a power of two of at least 4096, not " + bytes);
            }
            this.ringBytes = bytes;
            return this;
        }

        /** The worker thread's name. */
        public Builder name(String threadName) {
            this.name = Objects.requireNonNull(threadName, "name");
            return this;
        }

        /** Binds the socket and starts the worker. */
        public TunnelEndpoint open() throws IOException {
            EngineConfig config = engine.build();
            return new TunnelEndpoint(new EndpointWorker(config, bind, ringBytes, name), maxMessageBytes);
        }
    }
}
