package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.sim.Link;
import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.sim.Simulator;

/**
 * Bulk flows from clients of their own to one server, every client's data crossing one bottleneck (one rate, one
 * drop-tail buffer); acks come back on links with the same delay and no bottleneck. Each client picks its congestion
 * control. Everything is seeded: the congestion-control tests and benchmarks measure in virtual time.
 */
public final class SharedBottleneck {

    static final InetSocketAddress SERVER = TunnelFixture.SERVER;

    public final long seed;
    public final Simulator sim;
    final Endpoint server;
    final LinkConditions bottleneck;
    private final List<Flow> flows = new ArrayList<>();

    /** One client and its transfer. */
    public static final class Flow {
        final InetSocketAddress address;
        final Endpoint client;
        long handle = -1;
        TunnelFixture.Transfer transfer;

        Flow(InetSocketAddress address, Endpoint client) {
            this.address = address;
            this.client = client;
        }

        /** Bytes delivered to the server so far. */
        public long received() {
            return transfer == null ? 0 : transfer.received;
        }

        /** The sender's smoothed RTT, or -1. */
        public long smoothedRttNanos() {
            return handle < 0 ? -1 : client.connectionStats(handle).smoothedRttNanos();
        }

        public long retransmits() {
            return handle < 0 ? 0 : client.connectionStats(handle).retransmits();
        }

        public int window() {
            return handle < 0 ? 0 : client.connectionStats(handle).window();
        }
    }

    /**
     * @param bottleneck the client-to-server conditions (rate, buffer, delay, random loss), shared by every flow
     */
    public SharedBottleneck(long seed, LinkConditions bottleneck, CongestionAlgorithm... algorithms) {
        this.seed = seed;
        this.bottleneck = bottleneck;
        this.sim = new Simulator(seed, LinkConditions.IDEAL.withDelay(java.time.Duration.ofNanos(
            bottleneck.delayNanos())));
        this.server = new Endpoint(EngineConfig.builder().serverKey(TunnelFixture.keyPair(seed ^ 0x5E5E))
            .random(KeystreamRandom.seeded(seed * 31 + 1)).build());
        sim.addHost(SERVER, server);
        for (int i = 0; i < algorithms.length; i++) {
            InetSocketAddress address = new InetSocketAddress("10.0.1." + (i + 2), 50000);
            Endpoint client = new Endpoint(EngineConfig.builder().congestionAlgorithm(algorithms[i])
                .random(KeystreamRandom.seeded(seed * 31 + 2 + i)).build());
            sim.addHost(address, client);
            sim.setConditions(address, SERVER, bottleneck);
            if (i > 0) {
                sim.shareBottleneck(address, SERVER, flows.get(0).address, SERVER);
            }
            flows.add(new Flow(address, client));
        }
    }

    public Flow flow(int i) {
        return flows.get(i);
    }

    /** Connects flow {@code i} and starts its endless transfer. */
    public void start(int i) {
        Flow f = flows.get(i);
        f.handle = f.client.connect(sim.now(), SERVER, TunnelFixture.HOST,
            TunnelFixture.keyPair(seed ^ 0x5E5E).publicKey(), Long.MAX_VALUE);
        long[] accepted = {-1};
        boolean ok = sim.runUntil(() -> {
            pump();
            return (accepted[0] = accepted[0] >= 0 ? accepted[0] : server.accept()) >= 0;
        }, Duration.ofSeconds(30).toNanos());
        if (!ok) {
            throw new AssertionError("flow " + i + " did not connect; " + this);
        }
        f.transfer = new TunnelFixture.Transfer(f.client, f.handle, server, accepted[0], Long.MAX_VALUE, 64 * 1024,
            seed + i);
    }

    /** Runs for {@code duration}, pumping every started flow; calls {@code sampler} every {@code every}. */
    public void run(Duration duration, Duration every, Runnable sampler) {
        long end = sim.now() + duration.toNanos();
        long[] next = {sim.now() + every.toNanos()};
        sim.runUntil(() -> {
            pump();
            if (sim.now() >= next[0]) {
                sampler.run();
                next[0] += every.toNanos();
            }
            return sim.now() >= end;
        }, duration.toNanos());
    }

    public void run(Duration duration) {
        run(duration, duration.plusSeconds(1), () -> { });
    }

    private void pump() {
        for (Flow f : flows) {
            if (f.transfer != null) {
                f.transfer.pump(sim.now());
            }
        }
    }

    /** Data bits per second the bottleneck can carry: the link rate less each DATA packet's 96 bytes of overhead. */
    public double goodputCapacityBitsPerSecond() {
        return goodputCapacityBitsPerSecond(bottleneck);
    }

    public static double goodputCapacityBitsPerSecond(LinkConditions c) {
        return c.bandwidthBitsPerSecond() * 1088.0 / 1184.0;
    }

    /** Propagation both ways plus serializing one full packet: the RTT with an empty queue. */
    public long baseRttNanos() {
        return baseRttNanos(bottleneck);
    }

    public static long baseRttNanos(LinkConditions c) {
        return 2 * c.delayNanos() + 1184L * 8 * 1_000_000_000L / c.bandwidthBitsPerSecond();
    }

    public Link bottleneckLink(int i) {
        return sim.link(flows.get(i).address, SERVER);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("seed " + seed + ": " + sim);
        for (int i = 0; i < flows.size(); i++) {
            Flow f = flows.get(i);
            b.append("\nflow ").append(i).append(": received ").append(f.received()).append(" window ")
                .append(f.window()).append(" srtt ").append(f.smoothedRttNanos()).append(' ').append(bottleneckLink(i));
        }
        return b.toString();
    }
}
