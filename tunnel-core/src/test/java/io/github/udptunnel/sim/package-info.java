/**
 * A deterministic discrete-event network for driving {@link io.github.udptunnel.engine.DatagramEngine}s in
 * virtual time, in the manner of quinn-proto's test {@code Pair}: {@link io.github.udptunnel.sim.Simulator} owns
 * the clock, the hosts and the datagrams in flight; a {@link io.github.udptunnel.sim.Link} per direction applies
 * its {@link io.github.udptunnel.sim.LinkConditions} and counts; a {@link io.github.udptunnel.sim.NetworkTap}
 * sees what hosts send. A run is a function of its seed.
 *
 * <pre>{@code
 * Simulator sim = new Simulator(seed, LinkConditions.IDEAL
 *     .withBandwidthBitsPerSecond(10_000_000)
 *     .withDelay(Duration.ofMillis(20))
 *     .withQueueLimitPackets(100)
 *     .withLoss(0.01));
 * sim.addHost(CLIENT, client);
 * sim.addHost(SERVER, server);
 * boolean done = sim.runUntil(client::isConnected, Duration.ofSeconds(10).toNanos());
 * long lost = sim.link(CLIENT, SERVER).lost();
 * }</pre>
 */
package io.github.udptunnel.sim;
