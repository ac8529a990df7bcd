package io.github.udptunnel.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.io.EndpointWorker;
import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.sim.Simulator;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

/**
 * A server and a client {@link SimulatedEndpoint} on one seeded simulator, and a seeded "application" that acts
 * between simulator steps and inside the workers' cycles. Everything runs on the test's thread, in virtual time.
 */
final class SimulatedNet {

    static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 4433);
    static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 50000);
    static final String HOST = "server.test";
    static final Duration PATIENCE = Duration.ofMinutes(5);

    final long seed;
    final Simulator sim;
    final SplittableRandom random;
    final SimulatedEndpoint server;
    final SimulatedEndpoint client;
    final InMemoryKnownHosts knownHosts = new InMemoryKnownHosts();
    /** Run at each interleaving point of either worker, and after each simulator step. */
    private Runnable application = () -> { };
    private Throwable applicationFailure;

    SimulatedNet(long seed, LinkConditions conditions, UnaryOperator<TunnelEndpoint.Builder> serverSettings,
                 UnaryOperator<TunnelEndpoint.Builder> clientSettings) {
        this(seed, conditions, serverSettings, clientSettings, null);
    }

    SimulatedNet(long seed, LinkConditions conditions, UnaryOperator<TunnelEndpoint.Builder> serverSettings,
                 UnaryOperator<TunnelEndpoint.Builder> clientSettings, KnownHosts store) {
        this.seed = seed;
        this.sim = new Simulator(seed, conditions);
        this.random = new SplittableRandom(seed ^ 0xA99L);
        this.server = new SimulatedEndpoint(sim, SERVER, TunnelEndpoint.server(TunnelFixture.keyPair(seed))
            .engine(b -> b.random(KeystreamRandom.seeded(seed * 31 + 1))), serverSettings);
        this.client = new SimulatedEndpoint(sim, CLIENT, TunnelEndpoint.client(store == null ? knownHosts : store)
            .engine(b -> b.random(KeystreamRandom.seeded(seed * 31 + 2))), clientSettings);
        // The application's failures inside a worker's cycle are the test's, not the worker's: kept and rethrown.
        EndpointWorker.Interleaving hook = point -> {
            try {
                application.run();
            } catch (RuntimeException | Error e) {
                if (applicationFailure == null) {
                    applicationFailure = e;
                }
            }
        };
        server.worker.interleaving(hook);
        client.worker.interleaving(hook);
        sim.addHost(TICKER, new Ticker());
    }

    /** An application acts on its own time too, not only when the network does something: a step every tick. */
    private static final InetSocketAddress TICKER = new InetSocketAddress("10.0.0.99", 1);
    private static final long TICK_NANOS = 1_000_000;

    private final class Ticker implements io.github.udptunnel.engine.DatagramEngine {
        private long last = sim.now();

        @Override
        public void handleDatagram(long nowNanos, InetSocketAddress from, java.nio.ByteBuffer datagram) {
            // nothing is sent here
        }

        @Override
        public InetSocketAddress pollTransmit(long nowNanos, java.nio.ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadline() {
            return last + TICK_NANOS;
        }

        @Override
        public void handleTimeout(long nowNanos) {
            last = nowNanos;
        }
    }

    /** The application: it runs at every interleaving point and after every step; it decides itself how often to act. */
    void application(Runnable app) {
        this.application = app;
    }

    /** Runs until {@code condition}; false if it did not hold within {@code timeout} of virtual time. */
    boolean runUntil(BooleanSupplier condition, Duration timeout) {
        return sim.runUntil(() -> {
            rethrowApplicationFailure();
            application.run();
            return condition.getAsBoolean();
        }, timeout.toNanos());
    }

    private void rethrowApplicationFailure() {
        Throwable failure = applicationFailure;
        if (failure != null) {
            applicationFailure = null;
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
    }

    /** Connects the client to the server under {@link #HOST} and accepts the connection at the server. */
    TunnelConnection[] connectPair() {
        CompletableFuture<TunnelConnection> connecting = client.endpoint.connectAsync(SERVER, HOST, PATIENCE);
        TunnelConnection[] accepted = new TunnelConnection[1];
        boolean done = runUntil(() -> connecting.isDone() && (accepted[0] != null
            || (accepted[0] = tryAccept()) != null), PATIENCE);
        if (!done) {
            throw new AssertionError("no connection within " + PATIENCE + " of virtual time; " + sim);
        }
        return new TunnelConnection[] {connecting.join(), accepted[0]};
    }

    private TunnelConnection tryAccept() {
        try {
            return server.endpoint.tryAccept();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True with probability {@code p}, from the net's seeded stream. */
    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + sim;
    }
}
