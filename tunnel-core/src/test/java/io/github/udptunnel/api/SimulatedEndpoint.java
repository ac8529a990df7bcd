package io.github.udptunnel.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.github.udptunnel.engine.DatagramEngine;
import io.github.udptunnel.io.DatagramTransport;
import io.github.udptunnel.io.EndpointWorker;
import io.github.udptunnel.sim.Simulator;

/**
 * A real {@link TunnelEndpoint}, worker and API included, on the simulator's network and clock: its worker has no
 * thread, and the simulator runs its duty cycles in virtual time. The test's thread is then the only thread: it
 * plays the application between simulator steps and, through {@link EndpointWorker#interleaving}, at chosen points
 * inside a cycle, so each interleaving of worker and application is chosen by a seed and replays exactly.
 */
final class SimulatedEndpoint implements DatagramEngine {

    /** Cycles at one instant before calling it a livelock. */
    private static final int MAX_CYCLES_PER_CALL = 100_000;

    final TunnelEndpoint endpoint;
    final EndpointWorker worker;
    private final Socket socket;
    private final Simulator sim;
    private long lastNow;
    /** Until then the worker's thread is off the CPU: no cycle runs, and datagrams wait in the socket. */
    private long stalledUntil = Long.MIN_VALUE;
    /** What each duty cycle read and sent, once {@link #recordCycles} asked for it; else null. */
    private List<Cycle> cycles;

    SimulatedEndpoint(Simulator sim, InetSocketAddress address, TunnelEndpoint.Builder builder,
                      UnaryOperator<TunnelEndpoint.Builder> settings) {
        this.sim = sim;
        this.socket = new Socket(address);
        this.endpoint = settings.apply(builder).openDriven(socket, sim::now);
        this.worker = endpoint.worker();
        this.lastNow = sim.now();
        sim.addHost(address, this);
    }

    // ---- the simulator's side

    @Override
    public void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
        lastNow = nowNanos;
        if (worker.isStopped()) {
            return;  // the socket is closed
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        socket.inbound.add(new Datagram(from, copy));
    }

    @Override
    public InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out) {
        lastNow = nowNanos;
        if (socket.outbound.isEmpty() && nowNanos >= stalledUntil) {
            runCycles(nowNanos);
        }
        Datagram d = socket.outbound.poll();
        if (d == null) {
            return null;
        }
        out.put(d.bytes());
        out.flip();
        return d.peer();
    }

    @Override
    public long nextDeadline() {
        if (worker.isStopped()) {
            return Long.MAX_VALUE;
        }
        if (lastNow < stalledUntil) {
            return stalledUntil;
        }
        if (!socket.inbound.isEmpty() || worker.hasQueuedWork()) {
            return lastNow;  // due now
        }
        return worker.nextDeadline();
    }

    @Override
    public void handleTimeout(long nowNanos) {
        lastNow = nowNanos;
        if (nowNanos >= stalledUntil) {
            runCycles(nowNanos);
        }
    }

    /** Runs duty cycles at {@code nowNanos} until one does nothing. */
    void runCycles(long nowNanos) {
        for (int i = 0; cycle(nowNanos) > 0; i++) {
            if (i == MAX_CYCLES_PER_CALL) {
                throw new IllegalStateException("the worker keeps working at one instant: " + sim);
            }
        }
    }

    private int cycle(long nowNanos) {
        long received = socket.received;
        long sent = socket.sent;
        int work = worker.runCycle(nowNanos);
        if (cycles != null) {
            cycles.add(new Cycle(nowNanos, socket.received - received, socket.sent - sent));
        }
        return work;
    }

    /** The worker's thread is taken off the CPU (a busy host's scheduler) until {@code nanos} of virtual time. */
    void stallUntil(long nanos) {
        stalledUntil = nanos;
    }

    /** From now on, keeps what each duty cycle read and sent ({@link #cycles}). */
    void recordCycles() {
        cycles = new ArrayList<>();
    }

    List<Cycle> cycles() {
        return cycles;
    }

    /** One duty cycle: when it ran, how many datagrams it read and how many it sent. */
    record Cycle(long nanos, long received, long sent) {
    }

    InetSocketAddress address() {
        return socket.address;
    }

    @Override
    public String toString() {
        return "SimulatedEndpoint[" + socket.address + "]";
    }

    private record Datagram(InetSocketAddress peer, byte[] bytes) {
    }

    /** The worker's socket: datagrams the simulator delivered, and those the worker sent, waiting for the simulator. */
    private final class Socket implements DatagramTransport {
        final ArrayDeque<Datagram> inbound = new ArrayDeque<>();
        final ArrayDeque<Datagram> outbound = new ArrayDeque<>();
        InetSocketAddress address;
        long received;
        long sent;

        Socket(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public InetSocketAddress receive(ByteBuffer into) {
            Datagram d = inbound.poll();
            if (d == null) {
                return null;
            }
            into.put(d.bytes(), 0, Math.min(d.bytes().length, into.remaining()));
            received++;
            return d.peer();
        }

        @Override
        public boolean send(ByteBuffer datagram, InetSocketAddress to) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            outbound.add(new Datagram(to, bytes));
            sent++;
            return true;
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public InetSocketAddress rebind(InetSocketAddress bind) {
            sim.moveHost(address, bind);
            address = bind;
            return bind;
        }

        @Override
        public void await(long timeoutNanos) {
            // the simulator decides when the worker runs
        }

        @Override
        public void wakeUp() {
            // likewise
        }

        @Override
        public void close() {
            inbound.clear();
        }
    }
}
