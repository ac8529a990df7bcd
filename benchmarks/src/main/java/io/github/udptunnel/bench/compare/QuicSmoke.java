package io.github.udptunnel.bench.compare;

import java.time.Duration;
import java.util.Arrays;

import io.github.udptunnel.bench.peer.Peer;
import io.github.udptunnel.bench.peer.QuicPeer;
import io.github.udptunnel.bench.peer.Service;
import io.github.udptunnel.bench.peer.TlsPeer;
import io.github.udptunnel.bench.peer.TunnelPeer;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;

public final class QuicSmoke {
    public static void main(String[] args) throws Exception {
        Service service = new Service();
        for (int k = 0; k < 4; k++) {
            try (Peer p = k == 0 ? new TunnelPeer(service) : k == 1 ? new TlsPeer(service)
                : new QuicPeer(k == 2 ? QuicCongestionControlAlgorithm.CUBIC : QuicCongestionControlAlgorithm.BBR, service)) {
                double g = Drive.goodput(p, p.serverAddress(), Duration.ofSeconds(3));
                long[] rr = Drive.requestResponse(p, 2000, 10000);
                Arrays.sort(rr);
                double h = Drive.handshakes(p, 1, Duration.ofSeconds(2));
                System.out.printf("%s: goodput %.0f MB/s, rr p50 %.1f us p99 %.1f, handshakes %.0f/s%n", p.name(), g,
                    rr[rr.length / 2] / 1e3, rr[(int) (rr.length * .99)] / 1e3, h);
            }
        }
        System.exit(0);
    }
}
