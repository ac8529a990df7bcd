package io.github.udptunnel.bench.compare;

import java.time.Duration;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.StreamConnection;
import io.github.udptunnel.bench.peer.TunnelPeer;
import io.github.udptunnel.engine.Counter;

/** What the tunnel's worker threads cost: bytes allocated per DATA packet in a steady transfer, CPU when idle. */
final class WorkerCost {

    private WorkerCost() {
    }

    /** Bytes both workers allocate per DATA packet sent or received during a goodput run, after a warm one. */
    static double bytesPerDataPacket(Duration duration) throws Exception {
        try (TunnelPeer peer = new TunnelPeer(new Service())) {
            long server = WorkerThreads.id(TunnelPeer.SERVER_THREAD);
            long client = WorkerThreads.id(TunnelPeer.CLIENT_THREAD);
            Drive.goodput(peer, peer.serverAddress(), duration);
            long packets = packets(peer.serverEndpoint()) + packets(peer.clientEndpoint());
            long allocated = WorkerThreads.allocatedBytes(server) + WorkerThreads.allocatedBytes(client);
            Drive.goodput(peer, peer.serverAddress(), duration);
            allocated = WorkerThreads.allocatedBytes(server) + WorkerThreads.allocatedBytes(client) - allocated;
            packets = packets(peer.serverEndpoint()) + packets(peer.clientEndpoint()) - packets;
            return (double) allocated / packets;
        }
    }

    /** Milliseconds of CPU per second both workers use with one open, idle connection. */
    static double idleCpuMillisPerSecond(Duration duration) throws Exception {
        try (TunnelPeer peer = new TunnelPeer(new Service());
             StreamConnection idle = peer.connect(peer.serverAddress())) {
            long server = WorkerThreads.id(TunnelPeer.SERVER_THREAD);
            long client = WorkerThreads.id(TunnelPeer.CLIENT_THREAD);
            Thread.sleep(500);
            long cpu = WorkerThreads.cpuNanos(server) + WorkerThreads.cpuNanos(client);
            Thread.sleep(duration.toMillis());
            cpu = WorkerThreads.cpuNanos(server) + WorkerThreads.cpuNanos(client) - cpu;
            return cpu / 1e6 / (duration.toMillis() / 1e3);
        }
    }

    private static long packets(TunnelEndpoint e) {
        return e.stats().get(Counter.DATA_SENT) + e.stats().get(Counter.DATA_RECEIVED);
    }
}
