package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.time.Duration;

/** A pinger and an echo on a simulator; the direction towards the echo has the conditions under test. */
final class PingPair {

    static final InetSocketAddress PINGER = new InetSocketAddress("10.0.0.1", 40_000);
    static final InetSocketAddress ECHO = new InetSocketAddress("10.0.0.2", 7);
    /** Longer than any of these tests needs for every ping and reply to land. */
    static final long SETTLE_NANOS = Duration.ofSeconds(60).toNanos();

    final Simulator sim;
    final PingEngine pinger;
    final EchoEngine echo = new EchoEngine();

    PingPair(long seed, LinkConditions towardsEcho, long intervalNanos, int count, int sizeBytes) {
        sim = new Simulator(seed);
        pinger = new PingEngine(ECHO, Simulator.START_NANOS, intervalNanos, count, sizeBytes);
        sim.addHost(PINGER, pinger);
        sim.addHost(ECHO, echo);
        sim.setConditions(PINGER, ECHO, towardsEcho);
    }

    Link towardsEcho() {
        return sim.link(PINGER, ECHO);
    }

    PingPair runToTheEnd() {
        sim.runFor(SETTLE_NANOS);
        return this;
    }
}
