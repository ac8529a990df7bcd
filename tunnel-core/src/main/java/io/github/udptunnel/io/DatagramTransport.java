package io.github.udptunnel.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The worker's socket: a real UDP socket ({@link UdpTransport}), or a simulated one in virtual time for the
 * deterministic tests of the worker and the API. Used by the worker thread only, but {@link #wakeUp} may be called
 * from any thread.
 */
public interface DatagramTransport extends AutoCloseable {

    /** Receives one datagram into {@code into} (from its position) and returns its source, or null when none waits. */
    InetSocketAddress receive(ByteBuffer into) throws IOException;

    /** Sends {@code datagram}'s remaining bytes; false, sending nothing, when the socket's buffer is full. */
    boolean send(ByteBuffer datagram, InetSocketAddress to) throws IOException;

    InetSocketAddress localAddress() throws IOException;

    /** Moves to a new local address (port 0: any free port), as when a client's network changes; returns it. */
    InetSocketAddress rebind(InetSocketAddress bind) throws IOException;

    /**
     * Waits until a datagram arrives, {@link #wakeUp} is called, or {@code timeoutNanos} pass (Long.MAX_VALUE: no
     * limit). A transport driven from outside (a simulator) returns at once.
     */
    void await(long timeoutNanos) throws IOException;

    /** Ends an {@link #await} in progress, or makes the next one return at once. Any thread. */
    void wakeUp();

    @Override
    void close() throws IOException;
}
