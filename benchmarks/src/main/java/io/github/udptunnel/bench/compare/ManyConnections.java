package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.Peers;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.StreamConnection;

/**
 * N concurrent connections to a peer's server in its own JVM ({@link PeerServerProcess}): the time until each has
 * been opened and has echoed a message, and then the server's heap and RSS, with all of them open.
 */
final class ManyConnections {

    static final int CLIENT_THREADS = 32;

    /** [seconds to establish, server heap MB, server RSS MB, server RSS MB before any connection]. */
    static double[] run(String peerName, int n) throws Exception {
        try (ChildJvm server = new ChildJvm(PeerServerProcess.class, peerName);
             Peer client = Peers.open(peerName, new Service())) {
            int port = Integer.parseInt(server.readLine().substring("port ".length()));
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            double[] idle = report(server);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
            List<StreamConnection> open = new ArrayList<>();
            try {
                long start = System.nanoTime();
                List<Future<StreamConnection>> connects = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    connects.add(pool.submit(() -> echoOnce(client, to)));
                }
                for (Future<StreamConnection> f : connects) {
                    open.add(f.get(5, TimeUnit.MINUTES));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double[] loaded = report(server);
                if (loaded[2] != n) {
                    throw new IllegalStateException(peerName + ": the server holds " + loaded[2] + " of " + n);
                }
                return new double[] {seconds, loaded[0], loaded[1], idle[1]};
            } finally {
                pool.shutdownNow();
                for (StreamConnection c : open) {
                    c.close();
                }
            }
        }
    }

    private static StreamConnection echoOnce(Peer client, InetSocketAddress to) throws Exception {
        StreamConnection c = client.connect(to);
        byte[] message = new byte[Service.MESSAGE_BYTES];
        c.write(new byte[] {Service.ECHO_ONCE_AND_HOLD}, 0, 1);
        c.write(message, 0, message.length);
        if (!c.readFully(message, 0, message.length)) {
            throw new IllegalStateException("no echo");
        }
        return c;
    }

    /** [heap MB, RSS MB, connections held]. */
    static double[] report(ChildJvm server) throws Exception {
        server.send("report");
        String[] f = server.readLine().split(" ");
        return new double[] {Long.parseLong(f[1]) / 1048576.0, Long.parseLong(f[3]) / 1024.0, Integer.parseInt(f[5])};
    }
}
