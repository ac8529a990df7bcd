package io.github.udptunnel.bench.peer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.trust.InMemoryKnownHosts;

/** This project's tunnel: a server endpoint and a client endpoint, one worker thread each, default settings. */
public final class TunnelPeer implements Peer {

    public static final String SERVER_THREAD = "bench-server";
    public static final String CLIENT_THREAD = "bench-client";
    static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * A closed connection keeps its slot for three RTOs, to acknowledge a retransmitted FIN, so a server taking
     * thousands of handshakes a second needs more than the default 1,024 slots; rings are made only for slots used.
     */
    public static final UnaryOperator<TunnelEndpoint.Builder> MANY_SLOTS = b -> b.engine(e -> e.maxConnections(16_384));
    /** {@link #MANY_SLOTS}, and as every client here comes from 127.0.0.1, the per-source handshake limit raised. */
    public static final UnaryOperator<TunnelEndpoint.Builder> LOOPBACK_BENCH =
        b -> MANY_SLOTS.apply(b).engine(e -> e.handshakeRateLimitPerSource(1_000_000, 1_000_000));
    /** The default configuration raised only in its connection count, as issue 13's 10,000-connection row asks. */
    public static UnaryOperator<TunnelEndpoint.Builder> defaultsWithSlots(int maxConnections) {
        return b -> b.engine(e -> e.maxConnections(maxConnections));
    }

    private static final KeyPair SERVER_KEY = KeyPair.generate(new java.security.SecureRandom());

    private final TunnelEndpoint server;
    private final TunnelEndpoint client;
    private final ExecutorService handlers = Executors.newCachedThreadPool(Threads.daemon("tunnel-service"));
    private final Thread acceptor;

    /** Server and client with {@link #LOOPBACK_BENCH}. */
    public TunnelPeer(Service service) throws IOException {
        this(service, LOOPBACK_BENCH, true);
    }

    /**
     * @param settings   applied to both endpoints' builders
     * @param withClient false for a server alone, whose process then holds nothing of a client
     */
    public TunnelPeer(Service service, UnaryOperator<TunnelEndpoint.Builder> settings, boolean withClient)
        throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = settings.apply(TunnelEndpoint.server(SERVER_KEY).bind(loopback).name(SERVER_THREAD)).open();
        client = withClient
            ? settings.apply(TunnelEndpoint.client(new InMemoryKnownHosts()).bind(loopback).name(CLIENT_THREAD)).open()
            : null;
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    TunnelConnection c = server.accept();
                    handlers.submit(() -> service.serve(new Stream(c)));
                }
            } catch (Exception closed) {
                // the endpoint closed
            }
        }, "tunnel-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public TunnelEndpoint serverEndpoint() {
        return server;
    }

    public TunnelEndpoint clientEndpoint() {
        return client;
    }

    @Override
    public String name() {
        return "tunnel";
    }

    @Override
    public InetSocketAddress serverAddress() {
        return server.localAddress();
    }

    @Override
    public StreamConnection connect(InetSocketAddress to) throws Exception {
        if (client == null) {
            throw new IllegalStateException("a server alone");
        }
        return new Stream(client.connect(to, "server", PATIENCE));
    }

    @Override
    public boolean overUdp() {
        return true;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.close();
        handlers.shutdownNow();
    }

    /** Writes are messages; reads ignore message boundaries. */
    private static final class Stream implements StreamConnection {
        private final TunnelConnection c;
        private final InputStream in;

        Stream(TunnelConnection c) {
            this.c = c;
            this.in = c.inputStream();
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws Exception {
            c.send(bytes, off, len);
        }

        @Override
        public int read(byte[] bytes, int off, int len) throws Exception {
            return in.read(bytes, off, len);
        }

        @Override
        public void shutdownOutput() throws Exception {
            c.shutdownOutput();
        }

        @Override
        public void close() throws Exception {
            c.close();
        }
    }
}
