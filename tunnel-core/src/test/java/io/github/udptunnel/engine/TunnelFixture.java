package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.sim.Simulator;
import io.github.udptunnel.trust.InMemoryKnownHosts;

/**
 * A server and a client endpoint on a simulated network, everything seeded: the base of the protocol scenario
 * tests and of the simulator benchmarks. The application side is pumped after every simulator step.
 */
public final class TunnelFixture {

    public static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 4433);
    public static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 50000);
    public static final String HOST = "server.test";

    public final long seed;
    public final Simulator sim;
    public final KeyPair serverKey;
    public final Endpoint server;
    public final Endpoint client;
    public final InMemoryKnownHosts knownHosts = new InMemoryKnownHosts();

    public TunnelFixture(long seed, LinkConditions conditions) {
        this(seed, conditions, b -> b, b -> b);
    }

    public TunnelFixture(long seed, LinkConditions conditions, UnaryOperator<EngineConfig.Builder> serverConfig,
                         UnaryOperator<EngineConfig.Builder> clientConfig) {
        this.seed = seed;
        this.sim = new Simulator(seed, conditions);
        this.serverKey = keyPair(seed ^ 0x5E5E);
        this.server = new Endpoint(serverConfig.apply(EngineConfig.builder()
            .serverKey(serverKey).random(KeystreamRandom.seeded(seed * 31 + 1))).build());
        this.client = new Endpoint(clientConfig.apply(EngineConfig.builder()
            .random(KeystreamRandom.seeded(seed * 31 + 2))).build());
        sim.addHost(SERVER, server);
        sim.addHost(CLIENT, client);
    }

    public static KeyPair keyPair(long seed) {
        byte[] secret = new byte[32];
        new SplittableRandom(seed).nextBytes(secret);
        return KeyPair.fromPrivateKey(secret);
    }

    public static long nanos(Duration d) {
        return d.toNanos();
    }

    /**
     * Connects as the I/O shell does: the key pinned for {@link #HOST} goes to the engine, and a key seen for the
     * first time is pinned once the handshake is done. Runs until the handshake ends either way; returns the
     * client's handle.
     */
    public long connect(Duration timeout) {
        long handle = client.connect(sim.now(), SERVER, HOST, knownHosts.lookup(HOST), Long.MAX_VALUE);
        sim.runUntil(() -> client.state(handle) != ConnectionState.HELLO_SENT
            && client.state(handle) != ConnectionState.INIT_SENT, timeout.toNanos());
        if (client.state(handle) == ConnectionState.ESTABLISHED) {
            knownHosts.pinIfAbsent(HOST, client.serverKey(handle));
        }
        return handle;
    }

    /** Runs until the server has accepted a connection; returns its handle, or -1. */
    public long acceptOne(Duration timeout) {
        long[] accepted = {-1};
        sim.runUntil(() -> (accepted[0] = accepted[0] >= 0 ? accepted[0] : server.accept()) >= 0, timeout.toNanos());
        return accepted[0];
    }

    /**
     * Sends {@code total} bytes of seeded data as messages of at most {@code messageSize} bytes from one end to the
     * other while the simulation runs, reading every message at the far end; returns what arrived.
     */
    public Transfer transfer(Endpoint from, long fromHandle, Endpoint to, long toHandle, long total, int messageSize,
                             Duration timeout) {
        Transfer t = new Transfer(from, fromHandle, to, toHandle, total, messageSize, seed);
        t.startNanos = sim.now();
        t.completed = sim.runUntil(() -> t.pump(sim.now()), timeout.toNanos());
        t.endNanos = sim.now();
        return t;
    }

    /**
     * Connects, accepts, and starts an endless transfer of 64 KiB messages from the client to the server: a sender
     * that is never idle, for measuring what the path and the congestion control give it.
     */
    public Transfer endlessUpload(Duration connectTimeout) {
        long c = connect(connectTimeout);
        long s = acceptOne(Duration.ofSeconds(5));
        return new Transfer(client, c, server, s, Long.MAX_VALUE, 64 * 1024, seed);
    }

    /** One bulk transfer: sender and receiver side, with a SHA-256 of each side's bytes. */
    public static final class Transfer {
        final Endpoint from;
        final long fromHandle;
        final Endpoint to;
        final long toHandle;
        final long total;
        final int messageSize;
        final SplittableRandom data;
        final MessageDigest sentDigest = sha256();
        final MessageDigest receivedDigest = sha256();
        final byte[] chunk;
        final byte[] inbox;
        int pending = -1;
        public long sent;
        public long received;
        public long messagesReceived;
        public boolean completed;
        public long startNanos;
        public long endNanos;

        public Transfer(Endpoint from, long fromHandle, Endpoint to, long toHandle, long total, int messageSize,
                        long seed) {
            this.from = from;
            this.fromHandle = fromHandle;
            this.to = to;
            this.toHandle = toHandle;
            this.total = total;
            this.messageSize = messageSize;
            this.data = new SplittableRandom(seed ^ 0xDA7A);
            this.chunk = new byte[messageSize];
            this.inbox = new byte[messageSize];
        }

        /** The sending end's connection, as its engine reports it. */
        public ConnectionStats senderStats() {
            return from.connectionStats(fromHandle);
        }

        /** Sends what fits, reads what arrived; true once everything has arrived. */
        public boolean pump(long now) {
            while (sent < total) {
                if (pending < 0) {
                    pending = (int) Math.min(messageSize, total - sent);
                    data.nextBytes(chunk);
                }
                if (!from.send(now, fromHandle, chunk, 0, pending)) {
                    break;
                }
                sentDigest.update(chunk, 0, pending);
                sent += pending;
                pending = -1;
            }
            int n;
            while ((n = to.receive(now, toHandle, inbox, 0)) >= 0) {
                receivedDigest.update(inbox, 0, n);
                received += n;
                messagesReceived++;
            }
            return received >= total;
        }

        public boolean intact() {
            return MessageDigest.isEqual(((MessageDigest) clone(sentDigest)).digest(),
                ((MessageDigest) clone(receivedDigest)).digest());
        }

        /** Goodput in bits per second of virtual time. */
        public double goodputBitsPerSecond() {
            return received * 8.0 / ((endNanos - startNanos) / 1e9);
        }

        private static Object clone(MessageDigest d) {
            try {
                return d.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public String toString() {
        String links;
        try {
            links = "\nclient->server " + sim.link(CLIENT, SERVER) + "\nserver->client " + sim.link(SERVER, CLIENT);
        } catch (IllegalArgumentException moved) {
            links = "";
        }
        return "seed " + seed + ": " + sim + links + "\nserver " + server.stats() + "\nclient " + client.stats();
    }
}
