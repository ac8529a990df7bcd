package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import io.github.udptunnel.engine.DatagramEngine;

/**
 * A deterministic discrete-event network: {@link DatagramEngine}s at addresses, joined by a {@link Link} in each
 * direction, in virtual time that jumps straight to the next delivery or deadline. The same seed and the same calls
 * give the same run, datagram for datagram and nanosecond for nanosecond; {@link #toString()} names the seed.
 *
 * <p>One step at instant {@code now}: deliver every datagram due, call {@code handleTimeout} on every host whose
 * deadline has come, then drain every host's {@code pollTransmit} onto the links. Hosts are always visited in the
 * order they were added, and deliveries due at the same instant in the order they were scheduled.
 */
public final class Simulator {

    /** Where the clock starts: not zero, so an engine that treats 0 as "unset" is not fooled. */
    public static final long START_NANOS = 1_000_000_000L;
    /** The largest datagram the protocol may send; an engine that writes more has a bug. */
    public static final int MAX_DATAGRAM_BYTES = 1232;
    /** Steps at one instant before the simulator calls it a livelock instead of waiting forever. */
    static final int MAX_STEPS_AT_ONE_INSTANT = 1_000_000;
    /** More datagrams than this from one drain of pollTransmit means an engine that never says "nothing". */
    static final int MAX_DATAGRAMS_PER_DRAIN = 100_000;
    /** Room well past the maximum, so that an oversized datagram is caught and named rather than overflowing. */
    private static final int TRANSMIT_BUFFER_BYTES = 65_536;

    private record Delivery(long atNanos, long sequence, InetSocketAddress from, InetSocketAddress to,
                            byte[] datagram, Link link) {
    }

    private record LinkKey(int from, int to) {
    }

    private final long seed;
    private final SplittableRandom random;
    private final List<Host> hosts = new ArrayList<>();
    private final Map<InetSocketAddress, Host> hostsByAddress = new HashMap<>();
    private final Map<LinkKey, Link> links = new HashMap<>();
    private final List<NetworkTap> taps = new ArrayList<>();
    private final PriorityQueue<Delivery> deliveries = new PriorityQueue<>(
        Comparator.comparingLong(Delivery::atNanos).thenComparingLong(Delivery::sequence));
    private final ByteBuffer transmitBuffer = ByteBuffer.allocate(TRANSMIT_BUFFER_BYTES);

    private LinkConditions defaultConditions;
    private long nowNanos = START_NANOS;
    private long nextSequence;
    private int stepsAtThisInstant;
    private long undeliverable;

    public Simulator(long seed) {
        this(seed, LinkConditions.IDEAL);
    }

    public Simulator(long seed, LinkConditions defaultConditions) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.defaultConditions = defaultConditions;
    }

    // ---- the network

    /**
     * Adds a host. Its links to and from every host already here are made now, so that their randomness depends
     * only on the order of {@code addHost} calls, never on the traffic.
     */
    public void addHost(InetSocketAddress address, DatagramEngine engine) {
        if (hostsByAddress.containsKey(address)) {
            throw new IllegalArgumentException("address " + address + " already has a host; " + this);
        }
        Host host = new Host(hosts.size(), address, engine);
        for (Host other : hosts) {
            createLink(other, host);
            createLink(host, other);
        }
        createLink(host, host);
        hosts.add(host);
        hostsByAddress.put(address, host);
    }

    /**
     * The host at {@code oldAddress} now sends from {@code newAddress} and is reached only there, as after a NAT
     * rebinding or a change of network. Datagrams still in flight to the old address are dropped when they arrive;
     * those it sent before the move still arrive from the old address. Its links and their conditions stay.
     */
    public void moveHost(InetSocketAddress oldAddress, InetSocketAddress newAddress) {
        Host host = host(oldAddress);
        if (hostsByAddress.containsKey(newAddress)) {
            throw new IllegalArgumentException("address " + newAddress + " already has a host; " + this);
        }
        hostsByAddress.remove(oldAddress);
        host.moveTo(newAddress);
        hostsByAddress.put(newAddress, host);
    }

    /** Conditions for every direction that has none of its own. */
    public void setDefaultConditions(LinkConditions conditions) {
        defaultConditions = conditions;
    }

    /** Conditions for one direction, from the host at {@code from} to the host at {@code to}. */
    public void setConditions(InetSocketAddress from, InetSocketAddress to, LinkConditions conditions) {
        link(from, to).setConditions(conditions);
    }

    public void setConditionsBothWays(InetSocketAddress a, InetSocketAddress b, LinkConditions conditions) {
        setConditions(a, b, conditions);
        setConditions(b, a, conditions);
    }

    /** What the direction from {@code from} to {@code to} does now: its own conditions or the default. */
    public LinkConditions conditions(InetSocketAddress from, InetSocketAddress to) {
        return conditionsOf(link(from, to));
    }

    /** The direction from the host at {@code from} to the host at {@code to}, for its counters. */
    public Link link(InetSocketAddress from, InetSocketAddress to) {
        return links.get(new LinkKey(host(from).index, host(to).index));
    }

    /**
     * The direction {@code from -> to} queues its datagrams in the same transmitter as {@code withFrom -> withTo}:
     * one bottleneck, its rate and buffer shared, as at a router both paths cross. Each direction keeps its own
     * conditions (give both the same bandwidth and queue limit) and its own counters.
     */
    public void shareBottleneck(InetSocketAddress from, InetSocketAddress to, InetSocketAddress withFrom,
                                InetSocketAddress withTo) {
        link(from, to).shareQueue(link(withFrom, withTo).queue());
    }

    public void addTap(NetworkTap tap) {
        taps.add(tap);
    }

    /**
     * An attacker's datagram: arrives at {@code to} at exactly {@code atNanos}, claiming to come from {@code from},
     * past every link's conditions. {@code from} need not be a host. Taps do not see it.
     */
    public void inject(long atNanos, InetSocketAddress from, InetSocketAddress to, byte[] datagram) {
        if (atNanos < nowNanos) {
            throw new IllegalArgumentException("cannot inject at " + atNanos + ", before now; " + this);
        }
        schedule(atNanos, from, to, datagram.clone(), null);
    }

    // ---- time

    public long now() {
        return nowNanos;
    }

    public long seed() {
        return seed;
    }

    /** Datagrams addressed to an address with no host (an attacker's, or one a host moved away from). */
    public long undeliverable() {
        return undeliverable;
    }

    /** Runs until virtual time reaches {@code untilNanos}; the clock then reads {@code untilNanos}. */
    public void run(long untilNanos) {
        advance(() -> false, untilNanos);
    }

    public void runFor(long durationNanos) {
        run(nowNanos + durationNanos);
    }

    /**
     * Runs until {@code condition} holds, checked after every step, or until {@code timeoutNanos} of virtual time
     * have passed. Returns whether it holds; on a timeout the clock reads exactly now + timeout.
     */
    public boolean runUntil(BooleanSupplier condition, long timeoutNanos) {
        return advance(condition, nowNanos + timeoutNanos);
    }

    private boolean advance(BooleanSupplier condition, long limitNanos) {
        transmitAll(); // what the test queued on an engine before running goes out at the current instant
        while (!condition.getAsBoolean()) {
            long next = nextEventNanos();
            if (next > limitNanos) {
                nowNanos = Math.max(nowNanos, limitNanos);
                return false;
            }
            step(next);
        }
        return true;
    }

    private long nextEventNanos() {
        long next = deliveries.isEmpty() ? Long.MAX_VALUE : deliveries.peek().atNanos();
        for (int i = 0; i < hosts.size(); i++) {
            next = Math.min(next, hosts.get(i).engine.nextDeadline());
        }
        return Math.max(next, nowNanos); // a deadline already past is due now; time never runs backwards
    }

    private void step(long atNanos) {
        if (atNanos > nowNanos) {
            nowNanos = atNanos;
            stepsAtThisInstant = 0;
        }
        if (++stepsAtThisInstant > MAX_STEPS_AT_ONE_INSTANT) {
            throw stuck();
        }
        while (!deliveries.isEmpty() && deliveries.peek().atNanos() <= nowNanos) {
            deliver(deliveries.poll());
        }
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            if (host.engine.nextDeadline() <= nowNanos) {
                host.engine.handleTimeout(nowNanos);
            }
        }
        transmitAll();
    }

    private IllegalStateException stuck() {
        List<Host> due = new ArrayList<>();
        for (Host host : hosts) {
            if (host.engine.nextDeadline() <= nowNanos) {
                due.add(host);
            }
        }
        String why = due.isEmpty()
            ? "datagrams keep arriving without delay (a zero-delay loop between hosts?)"
            : "the deadline of " + due + " does not advance past now after handleTimeout";
        return new IllegalStateException("virtual time stuck at " + nowNanos + " ns for " + MAX_STEPS_AT_ONE_INSTANT
            + " steps: " + why + "; " + this);
    }

    // ---- datagrams

    private void deliver(Delivery d) {
        Host host = hostsByAddress.get(d.to());
        if (host == null) {
            undeliverable++;
            return;
        }
        if (d.link() != null) {
            d.link().countDelivery(d.datagram().length);
        }
        // A fresh copy each time: engines open boxes in place, and a duplicate may share its bytes with the original.
        host.engine.handleDatagram(nowNanos, d.from(), ByteBuffer.wrap(d.datagram().clone()));
    }

    private void transmitAll() {
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            InetSocketAddress to;
            for (int sent = 0; (to = poll(host)) != null; sent++) {
                if (sent == MAX_DATAGRAMS_PER_DRAIN) {
                    throw new IllegalStateException(host + " sent " + sent + " datagrams without pollTransmit ever "
                        + "returning null; " + this);
                }
                byte[] datagram = new byte[transmitBuffer.remaining()];
                transmitBuffer.get(datagram); // the engine's bytes enter the network as a copy
                send(host, to, datagram);
            }
        }
    }

    private InetSocketAddress poll(Host host) {
        transmitBuffer.clear();
        InetSocketAddress to = host.engine.pollTransmit(nowNanos, transmitBuffer);
        if (to != null && transmitBuffer.remaining() > MAX_DATAGRAM_BYTES) {
            String hint = transmitBuffer.limit() == transmitBuffer.capacity() ? " (did it flip the buffer?)" : "";
            throw new AssertionError(host + " wrote a datagram of " + transmitBuffer.remaining() + " bytes, more than "
                + MAX_DATAGRAM_BYTES + hint + "; " + this);
        }
        return to;
    }

    private void send(Host sender, InetSocketAddress to, byte[] datagram) {
        InetSocketAddress from = sender.address();
        for (int i = 0; i < taps.size(); i++) {
            taps.get(i).onSend(nowNanos, from, to, datagram.clone());
        }
        Host receiver = hostsByAddress.get(to);
        if (receiver == null) {
            undeliverable++;
            return;
        }
        Link link = links.get(new LinkKey(sender.index, receiver.index));
        link.transmit(nowNanos, datagram, conditionsOf(link),
            (atNanos, bytes) -> schedule(atNanos, from, to, bytes, link));
    }

    private void schedule(long atNanos, InetSocketAddress from, InetSocketAddress to, byte[] datagram, Link link) {
        deliveries.add(new Delivery(atNanos, nextSequence++, from, to, datagram, link));
    }

    // ---- helpers

    private void createLink(Host from, Host to) {
        links.put(new LinkKey(from.index, to.index), new Link(from, to, random.split()));
    }

    private LinkConditions conditionsOf(Link link) {
        return link.conditions() != null ? link.conditions() : defaultConditions;
    }

    private Host host(InetSocketAddress address) {
        Host host = hostsByAddress.get(address);
        if (host == null) {
            throw new IllegalArgumentException("no host at " + address + "; " + this);
        }
        return host;
    }

    @Override
    public String toString() {
        return "Simulator[seed=" + seed + ", now=" + nowNanos + " ns, hosts=" + hosts + "]";
    }
}
