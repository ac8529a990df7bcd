package io.github.udptunnel.engine;

import java.net.InetSocketAddress;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;

/**
 * One slot of the connection table: everything the engine keeps for a connection, made the first time a connection
 * takes the slot and reused. The engine's logic lives in {@link Endpoint}, {@link Sender} and {@link Receiver}; this class holds state.
 */
final class Connection {

    final int slot;
    int generation;
    ConnectionState state = ConnectionState.FREE;
    CloseReason closeReason;
    boolean client;
    /** The application has let go of the connection; its slot is freed when the protocol is done with it. */
    boolean released;
    /** The connection key C' is in the index, so packets find the connection. */
    boolean indexed;

    /** Client: our connection secret c'. Made by the first connect in the slot: a server's slots never need it. */
    byte[] secret;
    /** Client: the cookie to send in every INIT; made with {@link #secret}. */
    byte[] cookie;
    String host;
    /** Client: the key the server presented, and the one pinned for its name when they differ. */
    PublicKey serverKey;
    PublicKey pinnedKey;

    /** The connection key K (the box's key, the same both ways); the engine's one {@code SecretBox} takes it per use. */
    final byte[] key = new byte[SecretBox.KEY_SIZE];
    long sendCounter;
    final ReplayWindow replay = new ReplayWindow();
    boolean receivedAny;
    InetSocketAddress peer;

    final RttEstimator rtt;
    final Sender sender;
    final Receiver receiver;

    long connectDeadline = Long.MAX_VALUE;
    long handshakeDeadline = Long.MAX_VALUE;
    long handshakeInterval;
    long lastReceived;
    long lastSent;
    long probeDeadline = Long.MAX_VALUE;
    boolean pingDue;
    boolean abortPending;
    int abortCode;
    boolean finishRequested;
    boolean peerFinishedReported;
    /** In the ready queue of connections that may have something to send. */
    boolean queued;

    long bytesSent;
    long bytesReceived;
    long packetsSent;
    long packetsReceived;
    long retransmits;
    long openedAt;

    Connection(int slot, SegmentPool pool, EngineConfig config) {
        this.slot = slot;
        this.rtt = new RttEstimator(config.initialRtoNanos, config.minRtoNanos, config.maxRtoNanos);
        this.sender = new Sender(pool, rtt);
        this.receiver = new Receiver(pool);
    }

    /** Client: makes the handshake's arrays the first time the slot is used for a connect. */
    void clientArrays() {
        if (secret == null) {
            secret = new byte[32];
            cookie = new byte[Cookie.SIZE];
        }
    }

    /** The handle the application holds: the slot and its generation, so a stale handle is never mistaken. */
    long handle() {
        return ((long) generation << 32) | slot;
    }

    boolean isOpen() {
        return state == ConnectionState.HELLO_SENT || state == ConnectionState.INIT_SENT
            || state == ConnectionState.ESTABLISHED;
    }
}
