package io.github.udptunnel.bench.peer;

import java.net.InetSocketAddress;

/**
 * A contender of the side-by-side benchmarks: a server on loopback whose every accepted connection runs
 * {@link Service}, and a client that opens connections to it with a full handshake each time.
 */
public interface Peer extends AutoCloseable {

    /** The name the result tables use. */
    String name();

    /** Where the server listens; a relay in front of it forwards here. */
    InetSocketAddress serverAddress();

    /** A new connection with a full handshake (no resumption) to {@code to}: the server, or a relay before it. */
    StreamConnection connect(InetSocketAddress to) throws Exception;

    /** Whether the peer runs over UDP, so that a UDP relay can stand between its client and server. */
    boolean overUdp();
}
