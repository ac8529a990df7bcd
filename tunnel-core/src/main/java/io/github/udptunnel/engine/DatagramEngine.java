package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What an I/O shell drives: the worker thread over a real socket, or the simulator in virtual time. The engine
 * never reads a clock or touches a socket: time comes in as {@code nowNanos} (any monotonic origin), datagrams
 * come in and go out through buffers the caller owns.
 *
 * <p>The shell's loop: hand every received datagram to {@link #handleDatagram}; call {@link #pollTransmit} until it
 * returns null and send what it wrote; when the clock reaches {@link #nextDeadline}, call {@link #handleTimeout}.
 * All methods are called from one thread.
 */
public interface DatagramEngine {

    /** One received datagram: {@code datagram}'s bytes from its position to its limit, from {@code from}. */
    void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram);

    /**
     * Writes the next datagram to send into {@code out} (from its position; on return the bytes to send are
     * between position and limit) and returns where to send it, or returns null when there is nothing to send.
     * {@code out} must have room for 1232 bytes.
     */
    InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out);

    /** When {@link #handleTimeout} wants to be called next, in the same time base; Long.MAX_VALUE for never. */
    long nextDeadline();

    /** Runs the timers that are due at {@code nowNanos}. */
    void handleTimeout(long nowNanos);

    /**
     * The shell handed in a batch of datagrams; {@code moreWaiting} if it stopped at its batch size with more
     * waiting, so the engine is behind its input. A server that was behind with handshake packets in the batch
     * counts itself under load, as WireGuard does when its handshake queue grows: per-source handshake limits apply
     * for the next second.
     */
    default void receiveBatchEnded(long nowNanos, boolean moreWaiting) {
        // an engine with no handshakes to limit has no use for it
    }
}
