package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.TunnelPeer;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.wire.HelloPacket;

/**
 * A tunnel server with default settings but for its table size ({@link TunnelPeer#MANY_SLOTS}), a live connection and a legitimate client on 127.0.0.1, and a
 * {@link HelloFlood} in a second JVM from many ports of 127.0.0.2; each run measured once quiet and once flooded.
 */
final class FloodRun {

    static final int SOURCE_PORTS = 64;
    static final String FLOOD_SOURCE = "127.0.0.2";

    /** What one flooded run measured beside its quiet twin. */
    record Outcome(double quietGoodput, double floodedGoodput, double quietHandshakes, double floodedHandshakes,
                   double amplification, double attackerAmplification, double workerBytesPerHello,
                   double workerBytesPerHelloWithTraffic, double hellosPerSecond, double cookiesPerSecond,
                   double flooderCpuShare) {
    }

    /**
     * How long the worker's allocation is read with the flood alone. Read over the flooded goodput run and handshakes
     * instead, it also counts what those allocate for their own packets and connections.
     */
    static final Duration FLOOD_ALONE = Duration.ofSeconds(2);

    private FloodRun() {
    }

    static Outcome run(int hellosPerSecond, Duration goodputTime, Duration handshakeTime) throws Exception {
        try (TunnelPeer peer = new TunnelPeer(new Service(), TunnelPeer.MANY_SLOTS, true)) {
            InetSocketAddress server = peer.serverAddress();
            double quietGoodput = Drive.goodput(peer, server, goodputTime);
            double quietHandshakes = Drive.handshakes(peer, 1, handshakeTime);

            long worker = WorkerThreads.id(TunnelPeer.SERVER_THREAD);
            try (ChildJvm flood = new ChildJvm(HelloFlood.class, server.getAddress().getHostAddress(),
                     Integer.toString(server.getPort()), Integer.toString(hellosPerSecond),
                     Integer.toString(SOURCE_PORTS), FLOOD_SOURCE)) {
                flood.readLine();
                Thread.sleep(500);  // the flood reaches its rate
                long hellos = count(peer, Counter.HELLO_RECEIVED);
                long cookies = count(peer, Counter.COOKIE_SENT);
                long helloBytes = count(peer, Counter.HELLO_BYTES_RECEIVED);
                long cookieBytes = count(peer, Counter.COOKIE_BYTES_SENT);
                long allocated = WorkerThreads.allocatedBytes(worker);
                long start = System.nanoTime();
                double floodedGoodput = Drive.goodput(peer, server, goodputTime);
                double floodedHandshakes = Drive.handshakes(peer, 1, handshakeTime);
                double seconds = (System.nanoTime() - start) / 1e9;
                allocated = WorkerThreads.allocatedBytes(worker) - allocated;
                hellos = count(peer, Counter.HELLO_RECEIVED) - hellos;
                cookies = count(peer, Counter.COOKIE_SENT) - cookies;
                helloBytes = count(peer, Counter.HELLO_BYTES_RECEIVED) - helloBytes;
                cookieBytes = count(peer, Counter.COOKIE_BYTES_SENT) - cookieBytes;
                double flooderCpu = flood.cpuSeconds();
                long floodAloneHellos = count(peer, Counter.HELLO_RECEIVED);
                long floodAloneAllocated = WorkerThreads.allocatedBytes(worker);
                Thread.sleep(FLOOD_ALONE.toMillis());
                floodAloneAllocated = WorkerThreads.allocatedBytes(worker) - floodAloneAllocated;
                floodAloneHellos = count(peer, Counter.HELLO_RECEIVED) - floodAloneHellos;
                flood.closeInput();
                String[] totals = flood.readLine().split(" ");
                double attacker = Double.parseDouble(totals[7]) / Double.parseDouble(totals[3]);
                return new Outcome(quietGoodput, floodedGoodput, quietHandshakes, floodedHandshakes,
                    (double) cookieBytes / helloBytes, attacker, (double) floodAloneAllocated / floodAloneHellos,
                    (double) allocated / hellos, hellos / seconds, cookies / seconds, flooderCpu / seconds);
            }
        }
    }

    private static long count(TunnelPeer peer, Counter counter) {
        return peer.serverEndpoint().stats().get(counter);
    }

    /**
     * Bytes a plain DatagramChannel receive loop allocates per datagram on this JDK when datagrams come from
     * {@link #SOURCE_PORTS} ports in turn, as the flood's do: the JDK's own share (it makes a new InetSocketAddress
     * whenever the sender differs from the last one).
     */
    static double jdkReceiveBytesPerDatagram() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        DatagramChannel[] senders = new DatagramChannel[SOURCE_PORTS];
        try (DatagramChannel receiver = DatagramChannel.open().bind(loopback)) {
            for (int i = 0; i < senders.length; i++) {
                senders[i] = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getByName(FLOOD_SOURCE), 0));
            }
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalAddress();
            ByteBuffer in = ByteBuffer.allocate(2048);
            AtomicLong received = new AtomicLong();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        in.clear();
                        receiver.receive(in);
                        received.incrementAndGet();
                    }
                } catch (Exception closed) {
                    // the end of the measure
                }
            });
            t.start();
            ByteBuffer out = ByteBuffer.allocate(HelloPacket.SIZE);
            long[] bytesAt = new long[2];
            long[] countAt = new long[2];
            for (int phase = 0; phase < 2; phase++) {  // warm-up, then the measure
                for (int i = 0; i < 10_000; i++) {
                    out.clear();
                    senders[i % senders.length].send(out, to);
                    if (i % 16 == 0) {
                        Thread.sleep(1);
                    }
                }
                Thread.sleep(200);
                bytesAt[phase] = WorkerThreads.allocatedBytes(t.getId());
                countAt[phase] = received.get();
            }
            receiver.close();
            t.join(5_000);
            return (double) (bytesAt[1] - bytesAt[0]) / (countAt[1] - countAt[0]);
        } finally {
            for (DatagramChannel s : senders) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
