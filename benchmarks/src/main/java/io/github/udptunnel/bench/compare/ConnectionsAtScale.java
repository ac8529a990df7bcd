package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.trust.InMemoryKnownHosts;

/**
 * Issue 13's row: N concurrent connections, each echoing one message and then held open, against a tunnel server
 * alone in its own JVM with the default configuration raised only in its connection count; the server's heap after
 * GC and its RSS beyond those of the idle endpoint, per connection.
 *
 * <p>The server's per-source handshake limit stays at its default (20 handshake packets a second per address), so
 * the clients come from {@link #SOURCES} addresses of 127/8, one client endpoint each; they send keepalives, so that
 * no held connection reaches the server's idle timeout while the others open.
 */
final class ConnectionsAtScale {

    static final int SOURCES = 100;
    static final int CLIENT_THREADS = 32;
    static final Duration PATIENCE = Duration.ofSeconds(60);

    /** [seconds to establish, heap KiB and RSS KiB per connection beyond the idle endpoint, idle heap MB, idle RSS MB]. */
    static double[] run(int n) throws Exception {
        try (ChildJvm server = new ChildJvm(PeerServerProcess.class, PeerServerProcess.TUNNEL_DEFAULTS,
            String.valueOf(n))) {
            int port = Integer.parseInt(server.readLine().substring("port ".length()));
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            double[] idle = ManyConnections.report(server);
            List<TunnelEndpoint> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
            List<TunnelConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < SOURCES; i++) {
                    InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i)});
                    clients.add(TunnelEndpoint.client(new InMemoryKnownHosts()).bind(new InetSocketAddress(source, 0))
                        .name("bench-client-" + i)
                        .engine(e -> e.keepalive(Duration.ofSeconds(5)).connectTimeout(PATIENCE)).open());
                }
                long start = System.nanoTime();
                List<Future<TunnelConnection>> connects = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    TunnelEndpoint client = clients.get(i % SOURCES);
                    connects.add(pool.submit(() -> echoOnce(client, to)));
                }
                // Every connect is waited for, so that a failure says whether it was one connection or all of them.
                int failed = 0;
                Exception first = null;
                for (Future<TunnelConnection> f : connects) {
                    try {
                        open.add(f.get(10, TimeUnit.MINUTES));
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                        first = first == null ? e : first;
                    }
                }
                if (failed > 0) {
                    throw new IllegalStateException(failed + " of " + n + " connects failed; the first: " + first,
                        first);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double[] loaded = ManyConnections.report(server);
                if (loaded[2] != n) {
                    throw new IllegalStateException("the server holds " + loaded[2] + " of " + n);
                }
                return new double[] {seconds, (loaded[0] - idle[0]) * 1024 / n, (loaded[1] - idle[1]) * 1024 / n,
                    idle[0], idle[1]};
            } finally {
                pool.shutdownNow();
                for (TunnelConnection c : open) {
                    c.abort();
                }
                for (TunnelEndpoint client : clients) {
                    client.close();
                }
            }
        }
    }

    private static TunnelConnection echoOnce(TunnelEndpoint client, InetSocketAddress to) throws Exception {
        TunnelConnection c = client.connect(to, "server", PATIENCE);
        byte[] message = new byte[Service.MESSAGE_BYTES];
        c.send(new byte[] {Service.ECHO_ONCE_AND_HOLD});
        c.send(message);
        byte[] echo = c.receive(PATIENCE);
        if (echo == null || echo.length != message.length) {
            throw new IllegalStateException("no echo");
        }
        return c;
    }

    public static void main(String[] args) throws Exception {
        double[] r = run(args.length > 0 ? Integer.parseInt(args[0]) : 10_000);
        System.out.printf("opened in %.2f s; per connection: heap %.2f KiB, RSS %.2f KiB; idle endpoint: heap %.1f MB,"
            + " RSS %.1f MB%n", r[0], r[1], r[2], r[3], r[4]);
        System.exit(0);
    }
}
