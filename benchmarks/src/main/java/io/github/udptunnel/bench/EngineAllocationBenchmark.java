package io.github.udptunnel.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.LocalDate;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.engine.EngineConfig;
import io.github.udptunnel.engine.Endpoint;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.wire.HelloPacket;

/**
 * Bytes the engine allocates per packet, measured with ThreadMXBean around engine calls alone: two endpoints
 * wired back to back in one thread (no simulator, no sockets), a steady bulk transfer, then a HELLO flood.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.EngineAllocationBenchmark}
 */
public final class EngineAllocationBenchmark {

    static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 4433);
    static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 50000);

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final ByteBuffer wire = ByteBuffer.allocate(2048);
    private long now = 1_000_000_000L;

    private EngineAllocationBenchmark() {
    }

    public static void main(String[] args) {
        new EngineAllocationBenchmark().run();
    }

    private void run() {
        Endpoint server = new Endpoint(EngineConfig.builder().serverKey(TunnelFixture.keyPair(1))
            .random(KeystreamRandom.seeded(1)).handshakeRateLimit(1_000_000, 1_000_000).build());
        Endpoint client = new Endpoint(EngineConfig.builder()
            .random(KeystreamRandom.seeded(2)).build());
        long c = client.connect(now, SERVER, "server", null, Long.MAX_VALUE);
        long s = -1;
        while (s < 0) {
            exchange(client, server);
            s = server.accept();
        }
        byte[] message = new byte[1088];
        byte[] inbox = new byte[1088];

        // Warm up, then measure the same loop: one 1088-byte message each way per turn, every packet through
        // seal, open, acks and the windows.
        bulk(client, c, server, s, message, inbox, 50_000);
        long packetsBefore = packets(client) + packets(server);
        long before = threads.getCurrentThreadAllocatedBytes();
        bulk(client, c, server, s, message, inbox, 100_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long packets = packets(client) + packets(server) - packetsBefore;

        // A HELLO flood: each HELLO costs a key generation and an X25519 (both allocation-free since issue 13).
        byte[] hello = new byte[HelloPacket.SIZE];
        HelloPacket.encode(ByteBuffer.wrap(hello), 0, TunnelFixture.keyPair(3).publicKey().toBytes(), 0);
        InetSocketAddress[] sources = new InetSocketAddress[256];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress("10.9.0." + (i + 1), 1024 + i);
        }
        flood(server, hello, sources, 5_000);
        long hellosBefore = server.stats().get(Counter.HELLO_RECEIVED);
        long floodBefore = threads.getCurrentThreadAllocatedBytes();
        flood(server, hello, sources, 10_000);
        long floodAllocated = threads.getCurrentThreadAllocatedBytes() - floodBefore;
        long hellos = server.stats().get(Counter.HELLO_RECEIVED) - hellosBefore;

        System.out.println("Engine allocation, " + LocalDate.now() + ", JDK " + System.getProperty("java.version"));
        System.out.println("| path | packets | bytes allocated | per packet |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| DATA, steady bulk transfer both ways (seal, open, acks, windows) | %d | %d | %.3f B |%n",
            packets, allocated, (double) allocated / packets);
        System.out.printf("| HELLO answered with a COOKIE | %d | %d | %.0f B |%n", hellos, floodAllocated,
            (double) floodAllocated / hellos);
    }

    private void bulk(Endpoint client, long c, Endpoint server, long s, byte[] message, byte[] inbox, int turns) {
        for (int i = 0; i < turns; i++) {
            client.send(now, c, message, 0, message.length);
            server.send(now, s, message, 0, message.length);
            exchange(client, server);
            while (server.receive(now, s, inbox, 0) >= 0) {
                // drained
            }
            while (client.receive(now, c, inbox, 0) >= 0) {
                // drained
            }
        }
    }

    private void flood(Endpoint server, byte[] hello, InetSocketAddress[] sources, int count) {
        for (int i = 0; i < count; i++) {
            wire.clear();
            wire.put(hello).flip();
            server.handleDatagram(now, sources[i % sources.length], wire);
            wire.clear();
            while (server.pollTransmit(now, wire) != null) {
                wire.clear();
            }
            now += 1_000;
        }
    }

    /** Moves every datagram each way until both are quiet, advancing time by 50 us a turn. */
    private void exchange(Endpoint client, Endpoint server) {
        boolean moved = true;
        while (moved) {
            moved = deliver(client, CLIENT, server) | deliver(server, SERVER, client);
            now += 50_000;
            if (client.nextDeadline() <= now) {
                client.handleTimeout(now);
            }
            if (server.nextDeadline() <= now) {
                server.handleTimeout(now);
            }
        }
    }

    private boolean deliver(Endpoint from, InetSocketAddress fromAddress, Endpoint to) {
        boolean any = false;
        wire.clear();
        while (from.pollTransmit(now, wire) != null) {
            to.handleDatagram(now, fromAddress, wire);
            wire.clear();
            any = true;
        }
        return any;
    }

    private static long packets(Endpoint e) {
        return e.stats().get(Counter.DATA_SENT) + e.stats().get(Counter.DATA_RECEIVED);
    }
}
