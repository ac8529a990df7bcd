package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.github.udptunnel.crypto.CryptoBox;
import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.DropReason;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.Packet;
import io.github.udptunnel.wire.PacketType;

/**
 * The sans-I/O protocol engine of one endpoint, client or server (docs/PROTOCOL.md): datagrams and the time in,
 * datagrams, events and a deadline out. No sockets, threads or clocks inside; one thread calls everything.
 *
 * <p>Everything it needs per packet is made at construction (the tables indexed by slot, the codecs, the cipher
 * state) or the first time it is needed and then kept (a slot's {@link Connection}, a segment's bytes), so that
 * memory follows the most connections and data held at once, and nothing is allocated once warm. The application side ({@link #connect}, {@link #accept}, {@link #send}, {@link #receive},
 * {@link #finish}, {@link #close}, {@link #abort}) names connections by a {@code long} handle.
 */
public final class Endpoint implements DatagramEngine {

    /** The server's answer to an INIT when its table is full uses this counter, which nothing else does. */
    static final long SERVER_FULL_COUNTER = -1L;
    static final int ABORT_UNSPECIFIED = 0;
    static final int ABORT_SERVER_FULL = 1;
    static final int ABORT_MESSAGE_TOO_LARGE = 2;

    private final EngineConfig config;
    private final boolean server;
    private final EngineStats stats = new EngineStats();
    private final KeystreamRandom random;
    private final SegmentPool pool;
    private final Connection[] connections;
    private final byte[] keys;
    private final ConnectionIndex index;
    private final DeadlineHeap deadlines;
    /** What the close linger of closed connections needs, so that their slots are free at once. */
    private final Tombstones tombstones;
    private final IntQueue freeSlots;
    private final IntQueue ready;
    private final IntQueue acceptQueue;
    private final EventQueue events;
    private final PacketCrypto crypto = new PacketCrypto();
    /**
     * The one box every connection's packets are sealed and opened with, its key set from the connection's before
     * each use: a box's other state is scratch, and one per connection would cost each about 600 bytes.
     */
    private final SecretBox box = new SecretBox();
    private final CookiePacket cookieView = new CookiePacket();
    private final InitPacket initView = new InitPacket();
    private final DataPacket dataView = new DataPacket();
    private final Message reader = new Message();
    private final Message writer = new Message();
    private final Sender.AckOutcome ackOutcome = new Sender.AckOutcome();
    private final ControlQueue control;

    /** The server's stateless handshake; null at a client. */
    private final ServerHandshake serverHandshake;
    /** HELLOs and INITs for new connections in the shell's current receive batch. */
    private int handshakePacketsInBatch;

    // Scratch, reused for every packet.
    private final byte[] connectionKey = new byte[32];
    private ByteBuffer copyBuffer;

    private int openConnections;
    private boolean closed;
    /** The latest time any call brought in: when the ready queue holds work, the deadline is now. */
    private long lastNow = Long.MIN_VALUE;

    public Endpoint(EngineConfig config) {
        this.config = config;
        this.server = config.isServer();
        this.random = config.random;
        int capacity = config.maxConnections;
        this.pool = new SegmentPool(config.bufferSegments, Math.max(config.maxDataPerPacket, DataPacket.MAX_MESSAGE_SIZE));
        this.connections = new Connection[capacity];
        this.keys = new byte[capacity * 32];
        this.freeSlots = new IntQueue(capacity);
        for (int i = 0; i < capacity; i++) {
            freeSlots.add(i);  // each slot's Connection is made when a connection first takes it (slotConnection)
        }
        long salt = random.nextLong();
        this.index = new ConnectionIndex(capacity, salt, keys);
        this.deadlines = new DeadlineHeap(capacity);
        // A second salt from the first, so that the seeded random stream stays what it was.
        this.tombstones = new Tombstones(config.closeLingerCapacity, Long.rotateLeft(salt, 29) * 0x9E3779B97F4A7C15L,
            stats, crypto, reader, writer);
        this.ready = new IntQueue(capacity);
        this.acceptQueue = new IntQueue(capacity);
        this.events = new EventQueue(capacity * 4);
        this.control = new ControlQueue(server ? 256 : 0);
        this.serverHandshake = server ? new ServerHandshake(config, stats, crypto, control) : null;
        stats.capacity(capacity, config.bufferSegments);
        CryptoBox.precompute();
    }

    public EngineStats stats() {
        return stats;
    }

    public boolean isServer() {
        return server;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Datagrams in

    @Override
    public void handleDatagram(long now, InetSocketAddress from, ByteBuffer datagram) {
        if (closed) {
            return;
        }
        if (serverHandshake != null) {
            serverHandshake.rotateIfDue(now);
        }
        ByteBuffer buf = datagram;
        if (!datagram.hasArray()) {
            buf = copyToHeap(datagram);
        }
        int offset = buf.position();
        int length = buf.remaining();
        stats.add(Counter.BYTES_RECEIVED, length);
        DropReason reason = Packet.check(buf, offset, length);
        if (reason != null) {
            stats.drop(reason);
            return;
        }
        PacketType type = PacketType.ofCode(buf.get(offset + 3));
        switch (type) {
            case HELLO -> {
                handshakePacketsInBatch++;
                reason = server ? serverHandshake.answerHello(now, from, buf, offset, length)
                    : DropReason.UNEXPECTED_TYPE;
            }
            case COOKIE -> reason = server ? DropReason.UNEXPECTED_TYPE : onCookie(now, from, buf, offset, length);
            case INIT -> reason = server ? onInit(now, from, buf, offset, length) : DropReason.UNEXPECTED_TYPE;
            case DATA -> reason = onData(now, from, buf, offset, length);
            default -> reason = DropReason.UNKNOWN_TYPE;
        }
        if (reason != null) {
            stats.drop(reason);
        }
    }

    private ByteBuffer copyToHeap(ByteBuffer direct) {
        if (copyBuffer == null) {
            copyBuffer = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE + 1);
        }
        copyBuffer.clear();
        int n = Math.min(direct.remaining(), copyBuffer.capacity());
        copyBuffer.put(0, direct, direct.position(), n);
        copyBuffer.limit(n);
        return copyBuffer;
    }

    /** Client: a COOKIE for a pending connect: trust decision, connection key, then INIT. */
    private DropReason onCookie(long now, InetSocketAddress from, ByteBuffer buf, int offset, int length) {
        stats.increment(Counter.COOKIE_RECEIVED);
        cookieView.wrap(buf, offset, length);
        byte[] a = buf.array();
        int base = buf.arrayOffset();
        int slot = index.find(a, base + cookieView.clientKeyIndex());
        if (slot < 0) {
            return DropReason.COOKIE_UNEXPECTED;
        }
        Connection c = connections[slot];
        if (c.state != ConnectionState.HELLO_SENT || !from.equals(c.peer)) {
            return DropReason.COOKIE_UNEXPECTED;
        }
        int serverKey = base + cookieView.serverKeyIndex();
        if (CryptoBox.isSmallOrder(a, serverKey)) {
            return DropReason.LOW_ORDER_KEY;
        }
        if (!crypto.openCookie(cookieView, c.secret)) {
            return DropReason.COOKIE_UNEXPECTED;
        }
        int plain = base + cookieView.boxIndex() + 16;
        if (CryptoBox.isSmallOrder(a, plain)) {
            return DropReason.LOW_ORDER_KEY;
        }
        PublicKey presented = PublicKey.of(a, serverKey);
        c.serverKey = presented;
        if (c.pinnedKey != null && !c.pinnedKey.equals(presented)) {
            stats.increment(Counter.HANDSHAKES_FAILED);
            endConnection(c, CloseReason.SERVER_KEY_CHANGED, EventType.CONNECT_FAILED);
            return null;
        }
        if (!crypto.connectionKey(a, plain, c.secret, 0, c.key)) {
            return DropReason.LOW_ORDER_KEY;
        }
        System.arraycopy(a, plain + 32, c.cookie, 0, Cookie.SIZE);
        c.state = ConnectionState.INIT_SENT;
        c.handshakeInterval = config.handshakeRetransmitNanos;
        c.handshakeDeadline = now;
        c.lastReceived = now;
        schedule(c, now);
        return null;
    }

    /** Server: an INIT, for a live connection (a retransmission) or for a new one (every check, then a slot). */
    private DropReason onInit(long now, InetSocketAddress from, ByteBuffer buf, int offset, int length) {
        stats.increment(Counter.INIT_RECEIVED);
        initView.wrap(buf, offset, length);
        byte[] a = buf.array();
        int clientKey = buf.arrayOffset() + initView.clientKeyIndex();
        int slot = index.find(a, clientKey);
        if (slot >= 0) {
            Connection c = connections[slot];
            long counter = initView.counter();
            if (!c.replay.check(counter)) {
                return DropReason.REPLAYED;
            }
            if (!crypto.openInit(initView, boxOf(c))) {
                return DropReason.BOX_INVALID;
            }
            return answerInit(c, now,
                onMessage(c, now, from, counter, buf, initView.boxIndex() + 16, initView.boxLength() - 16));
        }
        if (tombstones.find(a, clientKey) >= 0) {
            return DropReason.CLOSED_CONNECTION;  // a closed connection's INIT, late or replayed: never reopens it
        }
        handshakePacketsInBatch++;
        DropReason refused = serverHandshake.checkInit(now, from, initView, connectionKey);
        if (refused != null) {
            return refused;
        }
        int messageAt = initView.boxIndex() + 16;
        int messageLength = initView.boxLength() - 16;
        if (reader.wrap(buf, messageAt, messageLength) != null) {
            java.util.Arrays.fill(connectionKey, (byte) 0);
            return DropReason.MESSAGE_MALFORMED;
        }
        if (freeSlots.isEmpty()) {
            java.util.Arrays.fill(connectionKey, (byte) 0);
            serverHandshake.refuseFull(from, initView);
            return DropReason.TABLE_FULL;
        }
        serverHandshake.accepted();
        Connection c = open(now, a, clientKey, from, false);
        System.arraycopy(connectionKey, 0, c.key, 0, 32);
        java.util.Arrays.fill(connectionKey, (byte) 0);
        acceptQueue.add(c.slot);
        events.add(EventType.ACCEPTED, c.handle(), null);
        stats.increment(Counter.HANDSHAKES_COMPLETED);
        return answerInit(c, now, onMessage(c, now, from, initView.counter(), buf, messageAt, messageLength));
    }

    /**
     * Every INIT the server accepts is answered at once, with data or PING or without: the client sends INITs until
     * a DATA comes back, so an INIT left unanswered would leave it timing out on a connection the server holds.
     */
    private DropReason answerInit(Connection c, long now, DropReason handled) {
        if (handled != DropReason.MESSAGE_MALFORMED && handled != DropReason.REPLAYED
            && c.state == ConnectionState.ESTABLISHED && !c.abortPending) {
            c.receiver.ackNow = true;
            schedule(c, now);
        }
        return handled;
    }

    private DropReason onData(long now, InetSocketAddress from, ByteBuffer buf, int offset, int length) {
        stats.increment(Counter.DATA_RECEIVED);
        dataView.wrap(buf, offset, length);
        int clientKey = buf.arrayOffset() + dataView.clientKeyIndex();
        int slot = index.find(buf.array(), clientKey);
        if (slot < 0) {
            int t = tombstones.find(buf.array(), clientKey);
            if (t < 0) {
                return DropReason.UNKNOWN_CONNECTION;
            }
            DropReason reason = tombstones.onData(t, now, from, dataView);
            if (reason == null) {
                lastNow = Math.max(lastNow, now);  // an ack is owed now
            }
            return reason;
        }
        Connection c = connections[slot];
        if (c.state == ConnectionState.HELLO_SENT) {
            return DropReason.UNKNOWN_CONNECTION;
        }
        long counter = dataView.counter();
        if (!c.replay.check(counter)) {
            return DropReason.REPLAYED;
        }
        if (!crypto.openData(dataView, !c.client, boxOf(c))) {
            return DropReason.BOX_INVALID;
        }
        return onMessage(c, now, from, counter, buf, dataView.boxIndex() + 16, dataView.boxLength() - 16);
    }

    /** An authentic message for {@code c}: replay window, roaming, acks, data, close. */
    private DropReason onMessage(Connection c, long now, InetSocketAddress from, long counter, ByteBuffer buf,
                                 int at, int length) {
        Message m = reader;
        if (m.wrap(buf, at, length) != null) {
            return DropReason.MESSAGE_MALFORMED;
        }
        boolean newest = !c.receivedAny || Long.compareUnsigned(counter, c.replay.highest()) > 0;
        if (!c.replay.update(counter)) {
            return DropReason.REPLAYED;
        }
        c.receivedAny = true;
        if (newest && !from.equals(c.peer)) {
            boolean moved = c.peer != null;
            c.peer = from;
            if (moved) {
                stats.increment(Counter.PEER_ADDRESS_CHANGES);
                events.add(EventType.PEER_MOVED, c.handle(), null);
            }
        }
        c.lastReceived = now;
        c.packetsReceived++;
        if (m.hasFlag(Message.FLAG_ABORT)) {
            int code = m.dataLength() > 0 ? buf.get(m.dataIndex()) : ABORT_UNSPECIFIED;
            boolean connecting = c.state == ConnectionState.INIT_SENT;
            CloseReason reason = code == ABORT_SERVER_FULL ? CloseReason.SERVER_FULL
                : code == ABORT_MESSAGE_TOO_LARGE ? CloseReason.MESSAGE_TOO_LARGE : CloseReason.RESET_BY_PEER;
            if (connecting) {
                stats.increment(Counter.HANDSHAKES_FAILED);
            }
            endConnection(c, reason, connecting ? EventType.CONNECT_FAILED : EventType.CLOSED);
            return null;
        }
        if (c.client && c.state == ConnectionState.INIT_SENT) {
            c.state = ConnectionState.ESTABLISHED;
            c.handshakeDeadline = Long.MAX_VALUE;
            c.connectDeadline = Long.MAX_VALUE;
            stats.increment(Counter.HANDSHAKES_COMPLETED);
            events.add(EventType.CONNECTED, c.handle(), null);
        }
        c.receiver.noteTimestamp(m.timestamp(), now);
        long rttSample = rttSample(now, m);
        if (rttSample >= 0) {
            stats.recordRtt(rttSample);
        }
        Sender s = c.sender;
        long roomBefore = s.room();
        s.onAck(now, m, rttSample, ackOutcome);
        if (ackOutcome.randomLoss) {
            stats.increment(Counter.RANDOM_LOSSES);
        } else if (ackOutcome.congestive) {
            stats.increment(Counter.CONGESTIVE_LOSSES);
        }
        if (roomBefore <= 0 && s.room() > 0) {
            events.add(EventType.WRITABLE, c.handle(), null);
        }
        if (m.hasFlag(Message.FLAG_RELIABLE)) {
            int dataLength = m.dataLength();
            Receiver.Verdict verdict = c.receiver.onReliable(now, m, buf, config.maxAckDelayNanos);
            switch (verdict) {
                case BEYOND_WINDOW -> {
                    return DropReason.BEYOND_WINDOW;
                }
                case MESSAGE_TOO_LARGE -> {
                    abortConnection(c, ABORT_MESSAGE_TOO_LARGE, CloseReason.MESSAGE_TOO_LARGE);
                    return null;
                }
                case ACCEPTED -> {
                    c.bytesReceived += dataLength;
                    if (c.released && dataLength > 0) {
                        // The application closed the connection and will read nothing more: tell the peer, as TCP's
                        // RST does, or it would go on sending what is dropped until it closes or times out.
                        abortConnection(c, ABORT_UNSPECIFIED, CloseReason.ABORTED_LOCALLY);
                        schedule(c, now);
                        return null;
                    }
                    if (c.receiver.completeMessages > 0) {
                        events.add(EventType.READABLE, c.handle(), null);
                    }
                }
                case DUPLICATE -> stats.increment(Counter.DUPLICATES_RECEIVED);
                default -> { }
            }
        } else if (m.hasFlag(Message.FLAG_PING)) {
            c.receiver.ackNow = true;
        }
        if (c.receiver.finReceived && !c.peerFinishedReported) {
            c.peerFinishedReported = true;
            events.add(EventType.PEER_FINISHED, c.handle(), null);
        }
        if (c.state == ConnectionState.ESTABLISHED && c.receiver.finReceived && c.sender.finAcked) {
            finishClose(c, now);
        }
        schedule(c, now);
        return null;
    }

    /** RTT from the echoed timestamp, less the time the peer held its ack; -1 when the message gives none. */
    private static long rttSample(long now, Message m) {
        long echo = m.echo();
        if (echo == 0) {
            return -1;
        }
        long micros = ((timestamp(now) - echo) & 0xffff_ffffL) - m.ackDelay();
        if (micros <= 0 || micros > Integer.MAX_VALUE) {
            return -1;
        }
        return micros * 1000;
    }

    static long timestamp(long now) {
        long t = (now / 1000) & 0xffff_ffffL;
        return t == 0 ? 1 : t;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Datagrams out

    @Override
    public InetSocketAddress pollTransmit(long now, ByteBuffer out) {
        while (!ready.isEmpty()) {
            int slot = ready.peek();
            Connection c = connections[slot];
            InetSocketAddress to = c.state == ConnectionState.FREE ? null : produce(c, now, out);
            if (to != null) {
                ready.poll();
                ready.add(slot);  // round robin between connections with data
                return to;
            }
            ready.poll();
            c.queued = false;
        }
        if (tombstones.hasAnswers()) {
            InetSocketAddress to = tombstones.pollAnswer(now, out);
            if (to != null) {
                return to;
            }
        }
        if (!control.isEmpty()) {
            return control.take(out);
        }
        return null;
    }

    /** Writes the next packet of {@code c} into {@code out}, or returns null when it has nothing to send now. */
    private InetSocketAddress produce(Connection c, long now, ByteBuffer out) {
        if (c.state == ConnectionState.HELLO_SENT) {
            if (c.handshakeDeadline > now) {
                return null;
            }
            int n = HelloPacket.encode(out, out.position(), keys, c.slot * 32);
            nextHandshakeRetransmit(c, now);
            stats.increment(Counter.HELLO_SENT);
            return sent(c, now, out, n);
        }
        if (c.abortPending) {
            int n = writeMessage(c, now, out, Message.FLAG_ABORT, SegmentPool.NONE, c.abortCode);
            c.abortPending = false;
            InetSocketAddress to = sent(c, now, out, n);
            endConnection(c, c.closeReason != null ? c.closeReason : CloseReason.ABORTED_LOCALLY, EventType.CLOSED);
            return to;
        }
        if (c.state != ConnectionState.INIT_SENT && c.state != ConnectionState.ESTABLISHED) {
            return null;  // a closed connection's acks come from its tombstone
        }
        boolean init = c.state == ConnectionState.INIT_SENT;
        int segment = c.sender.nextPaced(now);
        if (segment != SegmentPool.NONE && init && pool.length[segment] > InitPacket.MAX_MESSAGE_SIZE
            - Message.MAX_HEADER_SIZE) {
            segment = SegmentPool.NONE;  // too big for an INIT: it waits one round trip for the handshake
        }
        boolean handshakeDue = init && c.handshakeDeadline <= now;
        boolean ackDue = c.receiver.ackDue(now) && c.receivedAny;
        if (segment == SegmentPool.NONE && !handshakeDue && !ackDue && !c.pingDue) {
            return null;
        }
        int flags = c.pingDue || init ? Message.FLAG_PING : 0;
        int n = writeMessage(c, now, out, flags, segment, -1);
        if (segment != SegmentPool.NONE) {
            if (pool.transmissions[segment] > 0) {
                c.retransmits++;
                stats.increment(Counter.RETRANSMITS);
            }
            c.sender.sent(segment, now);
            c.bytesSent += pool.length[segment];
        }
        if (init) {
            nextHandshakeRetransmit(c, now);
            stats.increment(Counter.INIT_SENT);
        } else {
            stats.increment(Counter.DATA_SENT);
        }
        c.pingDue = false;
        InetSocketAddress to = sent(c, now, out, n);
        schedule(c, now);
        return to;
    }

    /**
     * Writes an INIT or DATA packet for {@code c} carrying {@code segment} (or none), the ack fields and
     * {@code flags}; returns its length. {@code abortCode} >= 0 adds the one reason byte of an ABORT.
     */
    private int writeMessage(Connection c, long now, ByteBuffer out, int flags, int segment, int abortCode) {
        boolean init = c.state == ConnectionState.INIT_SENT;
        int base = out.position();
        int at = base + (init ? InitPacket.BOX_OFFSET : DataPacket.BOX_OFFSET) + 16;
        Message w = writer.wrapForWrite(out, at);
        int dataLength = 0;
        long sequence = c.sender.nextSequence;
        if (segment != SegmentPool.NONE) {
            flags |= pool.flags[segment];
            sequence = pool.sequence[segment];
            dataLength = pool.length[segment];
        }
        w.flags(flags).sequence(sequence).timestamp(timestamp(now));
        c.receiver.writeAck(w, now);
        c.receiver.acked();
        if (abortCode >= 0) {
            dataLength = 1;
            w.dataLength(1);
            out.put(w.dataIndex(), (byte) abortCode);
        } else {
            w.dataLength(dataLength);
            if (dataLength > 0) {
                out.put(w.dataIndex(), pool.data[segment], 0, dataLength);
            }
        }
        int keyOff = c.slot * 32;
        long counter = c.sendCounter++;
        return init
            ? crypto.sealInit(out, base, keys, keyOff, c.cookie, counter, boxOf(c), w.encodedLength())
            : crypto.sealData(out, base, keys, keyOff, c.client, counter, boxOf(c), w.encodedLength());
    }

    private InetSocketAddress sent(Connection c, long now, ByteBuffer out, int length) {
        out.limit(out.position() + length);
        c.lastSent = now;
        c.packetsSent++;
        stats.add(Counter.BYTES_SENT, length);
        return c.peer;
    }

    private void nextHandshakeRetransmit(Connection c, long now) {
        c.handshakeDeadline = now + c.handshakeInterval;
        c.handshakeInterval = Math.min(c.handshakeInterval * 2, config.handshakeRetransmitMaxNanos);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Timers

    @Override
    public long nextDeadline() {
        if (!ready.isEmpty() || tombstones.hasAnswers()) {
            return lastNow;  // something may be sendable now: the shell should call pollTransmit
        }
        long next = Math.min(deadlines.earliest(), tombstones.nextExpiry());
        if (serverHandshake != null) {
            next = Math.min(next, serverHandshake.nextRotation());
        }
        return next;
    }

    @Override
    public void receiveBatchEnded(long now, boolean moreWaiting) {
        if (moreWaiting && serverHandshake != null && handshakePacketsInBatch > 0) {
            serverHandshake.backlogged(now);
        }
        handshakePacketsInBatch = 0;
    }

    @Override
    public void handleTimeout(long now) {
        stats.gauges(openConnections, pool.free());
        if (serverHandshake != null) {
            serverHandshake.rotateIfDue(now);
        }
        tombstones.expire(now);
        while (deadlines.earliest() <= now) {
            Connection c = connections[deadlines.earliestSlot()];
            deadlines.remove(c.slot);
            onTimer(c, now);
        }
    }

    private void onTimer(Connection c, long now) {
        if (c.connectDeadline <= now && (c.state == ConnectionState.HELLO_SENT || c.state == ConnectionState.INIT_SENT)) {
            stats.increment(Counter.HANDSHAKES_FAILED);
            endConnection(c, CloseReason.CONNECT_TIMEOUT, EventType.CONNECT_FAILED);
            return;
        }
        if (c.state == ConnectionState.ESTABLISHED && c.lastReceived + config.idleTimeoutNanos <= now) {
            endConnection(c, CloseReason.IDLE_TIMEOUT, EventType.CLOSED);
            return;
        }
        if (c.sender.rtoDeadline <= now) {
            int lost = c.sender.onTimeout(now);
            if (lost > 0) {
                stats.increment(Counter.TIMEOUTS);
            }
        }
        if (c.probeDeadline <= now) {
            c.probeDeadline = Long.MAX_VALUE;
            c.pingDue = true;
        }
        if (config.keepaliveNanos > 0 && c.state == ConnectionState.ESTABLISHED
            && c.lastSent + config.keepaliveNanos <= now) {
            c.pingDue = true;
        }
        schedule(c, now);
    }

    /** Puts {@code c} in the ready queue and sets its next deadline from all of its timers. */
    private void schedule(Connection c, long now) {
        lastNow = Math.max(lastNow, now);
        if (c.state == ConnectionState.FREE) {
            return;
        }
        if (!c.queued) {
            c.queued = true;
            ready.add(c.slot);
        }
        long next = c.connectDeadline;
        if (c.state == ConnectionState.HELLO_SENT || c.state == ConnectionState.INIT_SENT) {
            next = Math.min(next, c.handshakeDeadline);
        }
        if (c.state == ConnectionState.INIT_SENT || c.state == ConnectionState.ESTABLISHED) {
            Sender s = c.sender;
            next = Math.min(next, s.rtoDeadline);
            next = Math.min(next, c.receiver.ackDeadline);
            if (c.state == ConnectionState.ESTABLISHED) {
                next = Math.min(next, c.lastReceived + config.idleTimeoutNanos);
                if (config.keepaliveNanos > 0) {
                    next = Math.min(next, c.lastSent + config.keepaliveNanos);
                }
            }
            if (s.paced(now) && s.next() != SegmentPool.NONE) {
                next = Math.min(next, s.pacedSendAt());  // pacing holds back what the windows would let go
            }
            // A sender blocked by a closed window with nothing in flight probes it on the retransmission timer.
            if (s.hasWork() && s.inFlight.isEmpty() && s.next() == SegmentPool.NONE) {
                if (c.probeDeadline == Long.MAX_VALUE) {
                    c.probeDeadline = now + c.rtt.rto();
                }
            } else {
                c.probeDeadline = Long.MAX_VALUE;
            }
            next = Math.min(next, c.probeDeadline);
        }
        if (next <= now) {
            next = now + 1;  // due now: the ready queue sends it; never a deadline in the past
        }
        deadlines.set(c.slot, next);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The application side

    /**
     * Starts a connection to {@code server}, known to the application as {@code host}. When {@code pinnedKey} is
     * given, the server must present it or the connect fails as SERVER_KEY_CHANGED before anything is sent; when it
     * is null (first use), any key is taken and the shell pins {@link #serverKey} once CONNECTED. The engine never
     * reads or writes a trust store itself: that may wait on a disk or a database, and the engine's thread never
     * waits. The connect fails as CONNECT_TIMEOUT after {@code timeoutNanos}, or the configured connect timeout if
     * that is shorter. Returns the connection's handle; the CONNECTED or CONNECT_FAILED event says how it went.
     */
    public long connect(long now, InetSocketAddress server, String host, PublicKey pinnedKey, long timeoutNanos) {
        if (this.server) {
            throw new IllegalStateException("this endpoint is a server: it accepts connections, it does not make them");
        }
        ensureOpen();
        if (freeSlots.isEmpty()) {
            throw new IllegalStateException("every one of the " + config.maxConnections
                + " connection slots is in use (maxConnections)");
        }
        int slot = freeSlots.peek();
        Connection c = slotConnection(slot);
        c.clientArrays();
        random.nextBytes(c.secret, 0, 32);
        crypto.publicKey(c.secret, 0, keys, slot * 32);
        c = open(now, keys, slot * 32, server, true);
        c.host = host;
        c.pinnedKey = pinnedKey;
        c.state = ConnectionState.HELLO_SENT;
        c.connectDeadline = now + Math.min(Math.max(timeoutNanos, 0), config.connectTimeoutNanos);
        c.handshakeInterval = config.handshakeRetransmitNanos;
        c.handshakeDeadline = now;
        schedule(c, now);
        return c.handle();
    }

    /** The next connection a client opened to this server, or -1. */
    public long accept() {
        while (!acceptQueue.isEmpty()) {
            Connection c = connections[acceptQueue.poll()];
            if (c.state != ConnectionState.FREE && !c.released) {
                return c.handle();
            }
        }
        return -1;
    }

    /**
     * Queues one message. Returns false, queuing nothing, when the send buffer has no room for all of it (a
     * WRITABLE event follows when it has). Throws when the message is larger than allowed or the connection is
     * not open for sending.
     */
    public boolean send(long now, long handle, byte[] src, int off, int len) {
        Connection c = live(handle);
        if (len > config.maxMessageBytes) {
            throw new IllegalArgumentException("a message of " + len + " bytes is larger than maxMessageBytes ("
                + config.maxMessageBytes + ")");
        }
        return sendPart(now, handle, src, off, len, true);
    }

    /**
     * Queues part of a message: the bytes continue the current message, and {@code endOfMessage} closes it. The
     * caller keeps a message within maxMessageBytes. Returns false, queuing nothing, when there is no room.
     */
    public boolean sendPart(long now, long handle, byte[] src, int off, int len, boolean endOfMessage) {
        Connection c = live(handle);
        if (!c.isOpen() || c.finishRequested) {
            throw new IllegalStateException("connection is " + describe(c) + ": it sends nothing more");
        }
        if (!c.sender.append(src, off, len, config.maxDataPerPacket, endOfMessage)) {
            return false;
        }
        schedule(c, now);
        return true;
    }

    /** Bytes the send buffer can take now. */
    public long sendRoom(long handle) {
        return live(handle).sender.room();
    }

    /** Length of the next complete message on the connection, or -1 when none has arrived whole. */
    public int nextMessageLength(long handle) {
        return live(handle).receiver.nextMessageLength();
    }

    /**
     * Copies the next complete message into {@code dst} and returns its length; -1 when none has arrived whole.
     * Throws when {@code dst} has no room for it (ask {@link #nextMessageLength} first).
     */
    public int receive(long now, long handle, byte[] dst, int off) {
        Connection c = live(handle);
        int length = c.receiver.nextMessageLength();
        if (length < 0) {
            return -1;
        }
        if (dst.length - off < length) {
            throw new IllegalArgumentException("the next message is " + length + " bytes; the buffer has room for "
                + (dst.length - off));
        }
        boolean wasClosed = c.receiver.advertisedWindow < config.maxDataPerPacket;
        c.receiver.read(dst, off);
        stats.increment(Counter.MESSAGES_DELIVERED);
        reopenWindow(c, now, wasClosed);
        return length;
    }

    /**
     * The byte-stream view of the connection: copies up to {@code len} bytes that arrived in order, across message
     * boundaries; returns how many, 0 when none are waiting. Messages and stream reads may be mixed.
     */
    public int read(long now, long handle, byte[] dst, int off, int len) {
        return readBytes(now, handle, dst, off, len, false);
    }

    /**
     * Reads up to {@code len} bytes of the current message, stopping at its end; {@link #endedMessage} then says
     * whether the message ended (a message is whole once a part has ended it). For shells that pass messages on in
     * pieces.
     */
    public int readPart(long now, long handle, byte[] dst, int off, int len) {
        return readBytes(now, handle, dst, off, len, true);
    }

    /**
     * {@link #readPart} into {@code dst} at the absolute {@code index}: a shell that knows the part's size first
     * ({@link #nextPart}) reads it straight into its own buffer, with no copy between.
     */
    public int readPart(long now, long handle, ByteBuffer dst, int index, int len) {
        Connection c = live(handle);
        boolean wasClosed = c.receiver.advertisedWindow < config.maxDataPerPacket;
        int wholeBefore = c.receiver.completeMessages;
        int n = c.receiver.readBytes(dst, index, len, true);
        stats.add(Counter.MESSAGES_DELIVERED, wholeBefore - c.receiver.completeMessages);
        reopenWindow(c, now, wasClosed);
        return n;
    }

    /**
     * Bytes the next {@link #readPart} of up to {@code len} would read (it stops at a message's end), read nothing;
     * {@link #nextPartEnds} says whether they end a message.
     */
    public int nextPart(long handle, int len) {
        return live(handle).receiver.nextPart(len);
    }

    /** Whether the part {@link #nextPart} sized ends a message. */
    public boolean nextPartEnds(long handle) {
        return live(handle).receiver.nextPartEnds();
    }

    private int readBytes(long now, long handle, byte[] dst, int off, int len, boolean stopAtMessageEnd) {
        Connection c = live(handle);
        boolean wasClosed = c.receiver.advertisedWindow < config.maxDataPerPacket;
        int wholeBefore = c.receiver.completeMessages;
        int n = c.receiver.readBytes(dst, off, len, stopAtMessageEnd);
        stats.add(Counter.MESSAGES_DELIVERED, wholeBefore - c.receiver.completeMessages);  // the ends read past
        reopenWindow(c, now, wasClosed);
        return n;
    }

    /** Whether the last {@link #readPart} on {@code handle} read the end of a message. */
    public boolean endedMessage(long handle) {
        return live(handle).receiver.endedMessage();
    }

    /** Bytes {@link #read} would return now. */
    public long available(long handle) {
        return live(handle).receiver.availableBytes();
    }

    /** After a read: a window that was closed and opened is announced at once, or the peer waits for its probe. */
    private void reopenWindow(Connection c, long now, boolean wasClosed) {
        if (wasClosed && c.receiver.window() >= config.maxDataPerPacket && c.state == ConnectionState.ESTABLISHED) {
            c.receiver.ackNow = true;
            schedule(c, now);
        }
    }

    /** True once the peer has acknowledged this side's FIN: it has every byte sent. */
    public boolean isFinishAcknowledged(long handle) {
        return live(handle).sender.finAcked;
    }

    /** True when the peer has finished and every message before its FIN has been read. */
    public boolean isPeerFinished(long handle) {
        return live(handle).receiver.atEndOfStream();
    }

    /** Half-close: a FIN after everything queued. The connection closes once both sides have finished. */
    public void finish(long now, long handle) {
        Connection c = live(handle);
        if (c.finishRequested || !c.isOpen()) {
            return;
        }
        c.finishRequested = true;
        c.sender.queueFin();
        schedule(c, now);
    }

    /**
     * The application is done with the connection: it finishes (if it had not) and its slot is freed once the
     * protocol has closed it; new data from the peer aborts it (docs/PROTOCOL.md section 9). The handle is invalid
     * afterwards.
     */
    public void close(long now, long handle) {
        Connection c = live(handle);
        c.released = true;
        if (c.state == ConnectionState.HELLO_SENT || c.state == ConnectionState.INIT_SENT) {
            endConnection(c, CloseReason.ABORTED_LOCALLY, EventType.CLOSED);
            return;
        }
        if (c.isOpen()) {
            finish(now, handle);
        }
        freeIfDone(c);
    }

    /**
     * The application drops the connection at once, telling the peer with an authentic ABORT if it is open. Like
     * {@link #close}, it lets go: the slot is freed once the ABORT is out, or at once if the connection had already
     * ended (by the peer, a timeout). The handle is invalid afterwards.
     */
    public void abort(long now, long handle) {
        Connection c = live(handle);
        c.released = true;
        if (c.state == ConnectionState.ESTABLISHED || c.state == ConnectionState.INIT_SENT) {
            abortConnection(c, ABORT_UNSPECIFIED, CloseReason.ABORTED_LOCALLY);
            schedule(c, now);
        } else if (c.isOpen()) {
            endConnection(c, CloseReason.ABORTED_LOCALLY, EventType.CLOSED);
        } else {
            freeIfDone(c);
        }
    }

    public ConnectionState state(long handle) {
        Connection c = find(handle);
        return c == null ? ConnectionState.FREE : c.state;
    }

    /** Why the connection ended, or null while it is open. */
    public CloseReason closeReason(long handle) {
        Connection c = find(handle);
        return c == null ? null : c.closeReason;
    }

    /** A person-readable account of why the connection ended, with both fingerprints for a changed server key. */
    public String closeDescription(long handle) {
        Connection c = find(handle);
        return c == null ? "unknown connection" : describe(c);
    }

    /** The server's long-term key as the connection saw it; null before the COOKIE. */
    public PublicKey serverKey(long handle) {
        Connection c = find(handle);
        return c == null ? null : c.serverKey;
    }

    public InetSocketAddress peer(long handle) {
        Connection c = find(handle);
        return c == null ? null : c.peer;
    }

    /** A snapshot of the connection's numbers, or null for an unknown handle. */
    public ConnectionStats connectionStats(long handle) {
        Connection c = find(handle);
        if (c == null) {
            return null;
        }
        return new ConnectionStats(c.peer, c.serverKey, c.rtt.hasSample() ? c.rtt.smoothed() : -1,
            c.sender.congestion == null ? 0 : c.sender.congestion.window(), c.bytesSent, c.bytesReceived,
            c.packetsSent, c.packetsReceived, c.retransmits, c.lastReceived, PublicKey.of(keys, c.slot * 32));
    }

    /** A row for every connection that has a slot: what {@code wg show} prints. */
    public java.util.List<ConnectionStats> allConnectionStats() {
        java.util.List<ConnectionStats> rows = new java.util.ArrayList<>();
        for (Connection c : connections) {
            if (c != null && c.state != ConnectionState.FREE) {
                rows.add(connectionStats(c.handle()));
            }
        }
        return rows;
    }

    /** The next event into {@code into}; false when there is none. */
    public boolean pollEvent(EngineEvent into) {
        return events.poll(into);
    }

    public int openConnections() {
        return openConnections;
    }

    /** Closed connections in their close linger, each held by a tombstone. */
    int lingering() {
        return tombstones.size();
    }

    public int maxConnections() {
        return config.maxConnections;
    }

    /** Segments whose bytes have been made: the most the endpoint has held at once. */
    public int segmentsMade() {
        return pool.made();
    }

    /** Free segments left in the shared pool. */
    public int freeSegments() {
        return pool.free();
    }

    /** Ends every connection; the endpoint takes no more datagrams. */
    public void closeEndpoint() {
        for (Connection c : connections) {
            if (c != null && c.isOpen()) {
                endConnection(c, CloseReason.ENDPOINT_CLOSED,
                    c.state == ConnectionState.ESTABLISHED ? EventType.CLOSED : EventType.CONNECT_FAILED);
            }
        }
        tombstones.clear();
        closed = true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connection life

    private Connection open(long now, byte[] key, int keyOff, InetSocketAddress peer, boolean client) {
        int slot = freeSlots.poll();
        Connection c = slotConnection(slot);
        if (key != keys || keyOff != slot * 32) {
            System.arraycopy(key, keyOff, keys, slot * 32, 32);
        }
        c.generation++;
        c.client = client;
        c.state = ConnectionState.ESTABLISHED;
        c.closeReason = null;
        c.released = false;
        c.peer = peer;
        c.host = null;
        c.serverKey = null;
        c.pinnedKey = null;
        c.sendCounter = 0;
        c.replay.reset();
        c.receivedAny = false;
        c.connectDeadline = Long.MAX_VALUE;
        c.handshakeDeadline = Long.MAX_VALUE;
        c.probeDeadline = Long.MAX_VALUE;
        c.lastReceived = now;
        c.lastSent = now;
        c.pingDue = false;
        c.abortPending = false;
        c.finishRequested = false;
        c.peerFinishedReported = false;
        c.bytesSent = 0;
        c.bytesReceived = 0;
        c.packetsSent = 0;
        c.packetsReceived = 0;
        c.retransmits = 0;
        c.openedAt = now;
        c.rtt.reset();
        c.sender.reset(config.congestionAlgorithm.create(config.bufferSegments), config.sendBufferBytes);
        c.receiver.reset(config.receiveWindowBytes, config.maxMessageBytes);
        index.add(slot);
        c.indexed = true;
        openConnections++;
        stats.increment(Counter.CONNECTIONS_OPENED);
        stats.gauges(openConnections, pool.free());
        return c;
    }

    private void abortConnection(Connection c, int code, CloseReason reason) {
        c.abortPending = true;
        c.abortCode = code;
        c.closeReason = reason;
    }

    /**
     * Both FINs are acknowledged: closed. For three RTOs a tombstone, not the slot, acknowledges a retransmitted FIN
     * (the ack of the peer's FIN, if still owed, is its first answer); the slot is freed once the application lets go.
     */
    private void finishClose(Connection c, long now) {
        c.state = ConnectionState.CLOSED;
        c.closeReason = CloseReason.CLOSED;
        boolean ackOwed = c.receiver.ackNow || c.receiver.ackDeadline != Long.MAX_VALUE;
        tombstones.add(c, keys, now, now + 3 * c.rtt.rto(), ackOwed);
        if (ackOwed) {
            lastNow = Math.max(lastNow, now);
        }
        c.receiver.acked();
        unindex(c);
        deadlines.remove(c.slot);
        c.sender.releaseAll();
        openConnections--;
        stats.increment(Counter.CONNECTIONS_CLOSED);
        stats.gauges(openConnections, pool.free());
        events.add(EventType.CLOSED, c.handle(), CloseReason.CLOSED);
        freeIfDone(c);
    }

    /** Ends {@code c} at once (timeout, abort, failure): no more packets in or out. */
    private void endConnection(Connection c, CloseReason reason, EventType event) {
        if (c.state == ConnectionState.FREE || c.state == ConnectionState.CLOSED) {
            return;
        }
        c.state = ConnectionState.CLOSED;
        c.closeReason = reason;
        c.abortPending = false;
        c.sender.releaseAll();
        unindex(c);
        deadlines.remove(c.slot);
        openConnections--;
        stats.increment(Counter.CONNECTIONS_CLOSED);
        stats.gauges(openConnections, pool.free());
        events.add(event, c.handle(), reason);
        freeIfDone(c);
    }

    private void unindex(Connection c) {
        if (c.indexed) {
            index.remove(c.slot);
            c.indexed = false;
        }
    }

    /** Frees the slot once the protocol is done with it and the application has let go. */
    private void freeIfDone(Connection c) {
        if (c.state != ConnectionState.CLOSED || !c.released) {
            return;
        }
        unindex(c);
        deadlines.remove(c.slot);
        c.receiver.releaseAll();
        c.sender.releaseAll();
        java.util.Arrays.fill(c.key, (byte) 0);
        if (c.secret != null) {
            java.util.Arrays.fill(c.secret, (byte) 0);
        }
        c.state = ConnectionState.FREE;
        freeSlots.addFirst(c.slot);  // the slot freed last is taken next: few slots stay warm
    }

    /**
     * The slot's state, made the first time a connection takes the slot and then kept: the slot freed last is taken
     * next, so the table holds as many as the endpoint has had connections at once, not {@code maxConnections}.
     */
    private Connection slotConnection(int slot) {
        Connection c = connections[slot];
        if (c == null) {
            c = new Connection(slot, pool, config);
            connections[slot] = c;
        }
        return c;
    }

    /** Slots whose state has been made: the most connections the endpoint has had at once. */
    public int slotsMade() {
        int n = 0;
        for (Connection c : connections) {
            if (c != null) {
                n++;
            }
        }
        return n;
    }

    /** The shared box, keyed for {@code c}. */
    private SecretBox boxOf(Connection c) {
        box.setKey(c.key, 0);
        return box;
    }

    private Connection find(long handle) {
        int slot = (int) handle;
        if (slot < 0 || slot >= connections.length) {
            return null;
        }
        Connection c = connections[slot];
        return c != null && c.generation == (int) (handle >>> 32) && c.state != ConnectionState.FREE ? c : null;
    }

    private Connection live(long handle) {
        Connection c = find(handle);
        if (c == null) {
            throw new IllegalStateException("no such connection: it was closed and released");
        }
        return c;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the endpoint is closed");
        }
    }

    private static String describe(Connection c) {
        if (c.closeReason == null) {
            return c.state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
        return switch (c.closeReason) {
            case SERVER_KEY_CHANGED -> "refused: the server " + c.host + " presented key " + c.serverKey.fingerprint()
                + " but " + c.pinnedKey.fingerprint() + " is pinned for it; if the server's key really changed,"
                + " remove the old pin";
            case CONNECT_TIMEOUT -> "connect timed out: no answer from " + c.peer;
            case SERVER_FULL -> "refused: the server is full";
            case RESET_BY_PEER -> "reset by the peer";
            case IDLE_TIMEOUT -> "timed out: nothing from the peer for the idle timeout";
            case MESSAGE_TOO_LARGE -> "aborted: a message was larger than allowed";
            case ABORTED_LOCALLY -> "aborted";
            case ENDPOINT_CLOSED -> "the endpoint was closed";
            case CLOSED -> "closed";
        };
    }
}
