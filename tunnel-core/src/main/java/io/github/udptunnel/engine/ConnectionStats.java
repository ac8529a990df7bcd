package io.github.udptunnel.engine;

import java.net.InetSocketAddress;

import io.github.udptunnel.crypto.PublicKey;

/**
 * One connection's numbers at one moment, as {@code wg show} would print them.
 *
 * @param smoothedRttNanos -1 before the first sample
 * @param window           the congestion window, packets
 * @param lastReceivedNanos when the last authentic packet arrived, in the engine's time base
 */
public record ConnectionStats(InetSocketAddress peer, PublicKey serverKey, long smoothedRttNanos, int window,
                              long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
                              long retransmits, long lastReceivedNanos) {
}
