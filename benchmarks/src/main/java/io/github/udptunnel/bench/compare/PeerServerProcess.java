package io.github.udptunnel.bench.compare;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.Peers;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.TunnelPeer;

/**
 * A peer's server alone in its own JVM, so that its heap and RSS are its own. Prints {@code port N} when it
 * listens; answers each {@code report} line on standard input with {@code heap BYTES rss KB held N} after a GC;
 * exits when standard input ends. Arguments: the peer's name, or {@code tunnel-defaults SLOTS} for a tunnel server
 * with the default configuration but for its connection count.
 */
public final class PeerServerProcess {

    static final String TUNNEL_DEFAULTS = "tunnel-defaults";

    private PeerServerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Service service = new Service();
        try (Peer peer = args[0].equals(TUNNEL_DEFAULTS)
                 ? new TunnelPeer(service, TunnelPeer.defaultsWithSlots(Integer.parseInt(args[1])), false)
                 : Peers.open(args[0], service, false)) {
            System.out.println("port " + peer.serverAddress().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("report")) {
                    System.gc();
                    Thread.sleep(200);
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    System.out.println("heap " + heap + " rss " + rssKilobytes() + " held " + service.held());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    static long rssKilobytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
