package io.github.udptunnel.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.EngineConfig;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.io.DatagramTransport;
import io.github.udptunnel.io.EndpointWorker;
import io.github.udptunnel.io.EndpointWorker.ConnectOutcome;
import io.github.udptunnel.io.UdpTransport;
import io.github.udptunnel.io.WorkerStoppedException;
import io.github.udptunnel.trust.KnownHosts;

/**
 * A bound UDP socket with its worker thread: the tunnel's socket, listen and accept for a server, connect for a
 * client. Made with {@link #server} or {@link #client}, then {@link Builder#open}. Thread-safe. Once closed (or if
 * its worker failed), every call throws {@link EndpointClosedException}.
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
    private final KnownHosts knownHosts;
    private final int maxMessageBytes;
    private final Duration closeDrain;
    private final Executor trustExecutor;
    private final ExecutorService ownedTrustExecutor;

    private TunnelEndpoint(EndpointWorker worker, Builder b, Executor trustExecutor, ExecutorService owned) {
        this.worker = worker;
        this.knownHosts = b.knownHosts;
        this.maxMessageBytes = b.maxMessageBytes;
        this.closeDrain = b.closeDrain;
        this.trustExecutor = trustExecutor;
        this.ownedTrustExecutor = owned;
    }

    /** A server with its long-term key. */
    public static Builder server(KeyPair key) {
        return new Builder(EngineConfig.builder().serverKey(Objects.requireNonNull(key, "key")), null);
    }

    /** A client that pins server keys in {@code knownHosts} (trust on first use). */
    public static Builder client(KnownHosts knownHosts) {
        return new Builder(EngineConfig.builder(), Objects.requireNonNull(knownHosts, "knownHosts"));
    }

    public InetSocketAddress localAddress() {
        return worker.localAddress();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Server

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
        ensureOpen();
        ConnectionChannel ch = worker.accept(timeout.toNanos());
        if (ch == null) {
            ensureOpen();  // woken by close
            return null;
        }
        return new TunnelConnection(worker, ch, ch.handle(), maxMessageBytes, null);
    }

    /** The next connection if one is waiting, or null. Never waits. */
    public TunnelConnection tryAccept() throws IOException {
        try {
            return accept(Duration.ZERO);
        } catch (InterruptedException cannotHappen) {
            throw new IllegalStateException("tryAccept waited", cannotHappen);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Client

    /** Connects to {@code server}, pinning its key under its address ({@code host:port}). */
    public TunnelConnection connect(InetSocketAddress server, Duration timeout) throws IOException, InterruptedException {
        return connect(server, nameOf(server), timeout);
    }

    /**
     * Connects to {@code server}, whose key is checked against the one pinned for {@code host}; on first use the key
     * is pinned, durably, before this returns. The known-hosts store is read and written on this thread, never on
     * the worker's. Throws {@link ConnectTimeoutException}, {@link ServerKeyChangedException} (with both
     * fingerprints; nothing is pinned), {@link ServerFullException}, {@link KnownHostsException} (the store failed;
     * the endpoint and its other connections carry on).
     */
    public TunnelConnection connect(InetSocketAddress server, String host, Duration timeout)
        throws IOException, InterruptedException {
        requireClient();
        PublicKey pinned = lookup(host);
        CompletableFuture<ConnectOutcome> pending = worker.connect(server, host, pinned, timeout.toNanos());
        ConnectOutcome outcome;
        try {
            outcome = await(worker, pending);
        } catch (InterruptedException e) {
            pending.thenAccept(TunnelEndpoint::abandon);
            throw e;
        }
        return established(outcome, server, host, pinned);
    }

    /**
     * {@link #connect(InetSocketAddress, String, Duration)} without waiting: the store is read and written on the
     * endpoint's trust executor, and the future fails with the exceptions {@code connect} throws.
     */
    public CompletableFuture<TunnelConnection> connectAsync(InetSocketAddress server, String host, Duration timeout) {
        requireClient();
        long timeoutNanos = timeout.toNanos();
        return CompletableFuture.supplyAsync(() -> unchecked(() -> lookup(host)), trustExecutor)
            .thenCompose(pinned -> worker.connect(server, host, pinned, timeoutNanos)
                .handle((outcome, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(translate(worker, failure));
                    }
                    return outcome;
                })
                .thenApplyAsync(outcome -> unchecked(() -> established(outcome, server, host, pinned)), trustExecutor));
    }

    private PublicKey lookup(String host) throws KnownHostsException {
        try {
            return knownHosts.lookup(host);
        } catch (RuntimeException e) {
            throw new KnownHostsException("could not read the key pinned for " + host + " from " + knownHosts + ": "
                + e.getMessage(), e);
        }
    }

    /** After the handshake: pins a key seen for the first time, or refuses; returns the connection. */
    private TunnelConnection established(ConnectOutcome outcome, InetSocketAddress server, String host,
                                         PublicKey pinned) throws IOException {
        if (!outcome.connected()) {
            throw TunnelException.of(outcome.failure(), "connect to " + server + " (" + host + ") failed: "
                + outcome.description());
        }
        PublicKey presented = outcome.serverKey();
        if (pinned == null) {
            PublicKey kept;
            try {
                kept = knownHosts.pinIfAbsent(host, presented);
            } catch (RuntimeException e) {
                abandon(outcome);
                throw new KnownHostsException("could not pin the key of " + host + " (" + presented.fingerprint()
                    + ") in " + knownHosts + ": " + e.getMessage() + "; the connection was dropped", e);
            }
            if (!kept.equals(presented)) {
                abandon(outcome);
                throw new ServerKeyChangedException("refused: the server " + host + " presented key "
                    + presented.fingerprint() + " but " + kept.fingerprint() + " was pinned for it meanwhile;"
                    + " if the server's key really changed, remove the old pin");
            }
        }
        return new TunnelConnection(worker, outcome.channel(), outcome.handle(), maxMessageBytes,
            presented.fingerprint());
    }

    /** Drops a connection nobody will use (a connect given up or refused after the handshake). */
    private static void abandon(ConnectOutcome outcome) {
        if (outcome.connected()) {
            outcome.channel().release(outcome.handle(), true);
            outcome.channel().wakeAll();
        }
    }

    private static String nameOf(InetSocketAddress server) {
        return server.getHostString() + ":" + server.getPort();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Both

    /**
     * Moves this endpoint to a new socket on {@code bind} (port 0 for any), as when a client's address changes;
     * its connections go on. Returns the new local address.
     */
    public InetSocketAddress rebind(InetSocketAddress bind) throws IOException, InterruptedException {
        return await(worker, worker.rebind(bind));
    }

    /** Ready for {@link TunnelSelector}: a server with a connection waiting to be accepted. */
    @Override
    public boolean isReady() {
        return worker.acceptable() || !worker.isOpen();
    }

    @Override
    public void selectingThread(Thread thread) {
        worker.acceptWaiter(thread);
    }

    /** A row for every connection (peer, server key, RTT, window, bytes, last activity), taken on the worker. */
    public List<ConnectionStats> connections() throws IOException, InterruptedException {
        return await(worker, worker.allConnectionStats());
    }

    /** Every counter of the endpoint, cheap to read from any thread. */
    public EngineStats stats() {
        return worker.stats();
    }

    /** True until the endpoint is closed or its worker failed. */
    public boolean isOpen() {
        return worker.isOpen();
    }

    /**
     * Closes the endpoint, telling its peers: each connection sends what was written to it and finishes, for at most
     * the builder's {@code closeDrain} (2 s by default); connections still open then are aborted, so peers see an
     * end, never an idle timeout. Threads waiting on the endpoint or its connections wake with
     * {@link EndpointClosedException}.
     */
    @Override
    public void close() {
        close(closeDrain);
    }

    /** {@link #close()} with a drain of at most {@code drain} (zero: abort every connection at once). */
    public void close(Duration drain) {
        worker.close(drain.toNanos());
        if (ownedTrustExecutor != null) {
            ownedTrustExecutor.shutdown();
        }
    }

    /** The worker, for tests that drive it in virtual time. */
    EndpointWorker worker() {
        return worker;
    }

    private void requireServer() {
        if (!worker.isServer()) {
            throw new IllegalStateException("this endpoint is a client: it connects, it does not accept");
        }
    }

    private void requireClient() {
        if (worker.isServer()) {
            throw new IllegalStateException("this endpoint is a server: it accepts connections, it does not make them");
        }
    }

    private void ensureOpen() throws EndpointClosedException {
        if (!worker.isOpen()) {
            throw closed(worker);
        }
    }

    /** The one exception for a closed endpoint, with the worker's failure as its cause if it failed. */
    static EndpointClosedException closed(EndpointWorker worker) {
        Throwable failure = worker.failure();
        EndpointClosedException e = new EndpointClosedException(failure == null ? "the endpoint is closed"
            : "the endpoint's worker failed: " + failure);
        if (failure != null) {
            e.initCause(failure);
        }
        return e;
    }

    /** Waits for a worker's answer; a stopped worker's answer is {@link EndpointClosedException}. */
    static <T> T await(EndpointWorker worker, CompletableFuture<T> answer) throws IOException, InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw translate(worker, e.getCause());
        }
    }

    private static IOException translate(EndpointWorker worker, Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof WorkerStoppedException) {
            return closed(worker);
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof IllegalStateException) {
            return new TunnelException(cause.getMessage(), null);
        }
        return new IOException(cause);
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> step) {
        try {
            return step.get();
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** How an endpoint is made. */
    public static final class Builder {
        private static final AtomicInteger TRUST_THREADS = new AtomicInteger();

        private final EngineConfig.Builder engine;
        private final KnownHosts knownHosts;
        private InetSocketAddress bind = new InetSocketAddress(0);
        private int ringBytes = 64 * 1024;
        private String name = "tunnel-worker";
        private int maxMessageBytes = 1 << 20;
        private Duration closeDrain = Duration.ofSeconds(2);
        private Executor trustExecutor;
        private boolean reusePort;

        private Builder(EngineConfig.Builder engine, KnownHosts knownHosts) {
            this.engine = engine;
            this.knownHosts = knownHosts;
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

        /**
         * Binds with SO_REUSEPORT, so that several server instances (a fleet sharing one key) listen on one port and
         * the kernel spreads clients across them. Each instance keeps its own minute keys and used cookies: an INIT
         * is honoured only by the instance that made its cookie.
         */
        public Builder reusePort(boolean reuse) {
            this.reusePort = reuse;
            return this;
        }

        /** The worker thread's name. */
        public Builder name(String threadName) {
            this.name = Objects.requireNonNull(threadName, "name");
            return this;
        }

        /** How long {@link TunnelEndpoint#close()} lets connections finish before it aborts them; 2 s by default. */
        public Builder closeDrain(Duration drain) {
            if (drain == null || drain.isNegative()) {
                throw new IllegalArgumentException("closeDrain must be zero or positive, not " + drain);
            }
            this.closeDrain = drain;
            return this;
        }

        /**
         * Where {@link TunnelEndpoint#connectAsync} reads and writes the known-hosts store (which may wait on a disk
         * or a database); by default, daemon threads of the endpoint's own, made as needed.
         */
        public Builder trustExecutor(Executor executor) {
            this.trustExecutor = Objects.requireNonNull(executor, "trustExecutor");
            return this;
        }

        /** Binds the socket and starts the worker. */
        public TunnelEndpoint open() throws IOException {
            EngineConfig config = engine.build();
            UdpTransport transport = new UdpTransport(bind, reusePort);
            EndpointWorker worker = new EndpointWorker(config, transport, System::nanoTime, ringBytes);
            ExecutorService owned = null;
            Executor trust = trustExecutor;
            if (trust == null && knownHosts != null) {
                owned = Executors.newCachedThreadPool(task -> {
                    Thread t = new Thread(task, name + "-trust-" + TRUST_THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                trust = owned;
            }
            TunnelEndpoint endpoint = new TunnelEndpoint(worker, this, trust, owned);
            worker.start(name);
            return endpoint;
        }

        /**
         * An endpoint on {@code transport} whose worker has no thread: the caller runs its duty cycles, at the times
         * {@code clock} gives. For deterministic simulation; connectAsync's store calls run on the calling thread.
         */
        public TunnelEndpoint openDriven(DatagramTransport transport, LongSupplier clock) {
            EngineConfig config = engine.build();
            EndpointWorker worker = new EndpointWorker(config, transport, clock, ringBytes);
            return new TunnelEndpoint(worker, this, trustExecutor == null ? Runnable::run : trustExecutor, null);
        }
    }
}
