package io.github.udptunnel.bench.peer;

import java.util.List;

import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;

/** The peers by the names the command line and the child processes use. */
public final class Peers {

    public static final String TUNNEL = "tunnel";
    public static final String TLS = "tls";
    public static final String QUIC_CUBIC = "quic-cubic";
    public static final String QUIC_BBR = "quic-bbr";
    public static final List<String> ALL = List.of(TUNNEL, TLS, QUIC_CUBIC, QUIC_BBR);
    public static final List<String> QUIC = List.of(QUIC_CUBIC, QUIC_BBR);

    private Peers() {
    }

    /** A server and a client of {@code name}. */
    public static Peer open(String name, Service service) throws Exception {
        return open(name, service, true);
    }

    /** A server of {@code name}, with a client unless {@code withClient} is false. */
    public static Peer open(String name, Service service, boolean withClient) throws Exception {
        return switch (name) {
            case TUNNEL -> new TunnelPeer(service, TunnelPeer.LOOPBACK_BENCH, withClient);
            case TLS -> new TlsPeer(service);
            case QUIC_CUBIC -> new QuicPeer(QuicCongestionControlAlgorithm.CUBIC, service, withClient);
            case QUIC_BBR -> new QuicPeer(QuicCongestionControlAlgorithm.BBR, service, withClient);
            default -> throw new IllegalArgumentException("no peer " + name + "; the peers are " + ALL);
        };
    }
}
