package io.github.udptunnel.engine;

import java.net.InetSocketAddress;

import io.github.udptunnel.crypto.PublicKey;

/**
 * One connection's numbers at one moment, as {@code wg show} would print them.
 *
 * @param smoothedRttNanos -1 before the first sample
 * @param window           the congestion window, packets
 * @param serverKey        the server's long-term key, on a client; null on a server
 * @param lastReceivedNanos when the last authentic packet arrived, in the engine's time base
 * @param connectionKey    the connection's key C' (the client's fresh public key, which names the connection on both
 *                         sides): on a server, the peer's key, as {@code wg show} shows one
 */
public record ConnectionStats(InetSocketAddress peer, PublicKey serverKey, long smoothedRttNanos, int window,
                              long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
                              long retransmits, long lastReceivedNanos, PublicKey connectionKey) {
}
