package io.github.udptunnel.sim;

import java.net.InetSocketAddress;

/**
 * Sees every datagram a host sends, as it enters the network (before loss, queueing or corruption), for tests that
 * capture packets to replay them or count bytes by packet type. Datagrams from {@link Simulator#inject} are not
 * shown, so a tap that replays what it sees does not see its own replays.
 */
@FunctionalInterface
public interface NetworkTap {

    /** {@code datagram} is the tap's own copy; keep it or change it freely. */
    void onSend(long nowNanos, InetSocketAddress from, InetSocketAddress to, byte[] datagram);
}
