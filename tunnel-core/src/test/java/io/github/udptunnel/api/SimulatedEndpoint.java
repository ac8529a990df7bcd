package io.github.udptunnel.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
        if (socket.outbound.isEmpty()) {
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
        if (!socket.inbound.isEmpty() || worker.hasQueuedWork()) {
            return lastNow;  // due now
        }
        return worker.nextDeadline();
    }

    @Override
    public void handleTimeout(long nowNanos) {
        lastNow = nowNanos;
        runCycles(nowNanos);
    }

    /** Runs duty cycles at {@code nowNanos} until one does nothing. */
    void runCycles(long nowNanos) {
        for (int i = 0; worker.runCycle(nowNanos) > 0; i++) {
            if (i == MAX_CYCLES_PER_CALL) {
                throw new IllegalStateException("the worker keeps working at one instant: " + sim);
            }
        }
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
            return d.peer();
        }

        @Override
        public boolean send(ByteBuffer datagram, InetSocketAddress to) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            outbound.add(new Datagram(to, bytes));
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
