package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import io.github.udptunnel.crypto.ConstantTime;
import io.github.udptunnel.crypto.CryptoBox;
import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.DropReason;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;

/**
 * The server's side of the handshake that keeps no per-client state (docs/PROTOCOL.md, 4.2 and 4.4): a HELLO is
 * answered with a COOKIE, and an INIT for a new connection is checked (rate limits, cookie, used-cookie set,
 * connection key, box) before the {@link Endpoint} gives it a slot. Its answers go out through the control queue.
 */
final class ServerHandshake {

    /** Source addresses the rate limiter keeps a bucket for at once. */
    static final int RATE_LIMIT_SOURCES = 4096;

    private final EngineStats stats;
    private final KeystreamRandom random;
    private final PacketCrypto crypto;
    private final ControlQueue control;
    private final CookieJar cookies;
    private final HandshakeRateLimiter limiter;
    private final HelloPacket helloView = new HelloPacket();
    private final Message writer = new Message();
    private final byte[] serverSecret = new byte[32];
    private final byte[] serverPublic;
    private final byte[] connectionSecret = new byte[32];
    private final byte[] connectionPublic = new byte[32];
    private final byte[] nonceSuffix = new byte[16];
    private final byte[] cookieContents = new byte[Cookie.PLAINTEXT_SIZE];
    /** The key of the INIT being checked: it opened the box, and answers a refusal. */
    private final SecretBox initKey = new SecretBox();
    private int openedWith;
    private long openedCounter;

    ServerHandshake(EngineConfig config, EngineStats stats, PacketCrypto crypto, ControlQueue control) {
        this.stats = stats;
        this.random = config.random;
        this.crypto = crypto;
        this.control = control;
        config.serverKey.copyPrivateKey(serverSecret, 0);
        this.serverPublic = config.serverKey.publicKey().toBytes();
        this.cookies = new CookieJar(random, config.minuteKeyNanos, config.cookiesPerMinuteKey);
        this.limiter = new HandshakeRateLimiter(config.handshakesPerSecond, config.handshakeBurst,
            config.handshakesPerSecondPerSource, config.handshakeBurstPerSource, RATE_LIMIT_SOURCES);
    }

    /** Draws a new minute key when its period is over. */
    void rotateIfDue(long now) {
        if (cookies.rotateIfDue(now)) {
            stats.increment(Counter.MINUTE_KEY_ROTATIONS);
        }
    }

    /** The endpoint is behind its input, handshakes among it: under load for the next second. */
    void backlogged(long now) {
        if (!limiter.underLoad(now)) {
            stats.increment(Counter.LOAD_DETECTED);
        }
        limiter.markLoad(now);
        stats.loadSeen(now);
    }

    /** A handshake the limiter looked at: if it now sees load, say so where other threads can read it. */
    private boolean allowed(long now, InetSocketAddress from) {
        boolean allowed = limiter.allow(now, from.getAddress());
        if (limiter.lastAllowUnderLoad()) {
            stats.loadSeen(now);
        }
        return allowed;
    }

    long nextRotation() {
        return cookies.nextRotation();
    }

    /** Answers a HELLO with a COOKIE, keeping nothing; returns why it was dropped, or null. */
    DropReason answerHello(long now, InetSocketAddress from, ByteBuffer buf, int offset, int length) {
        stats.increment(Counter.HELLO_RECEIVED);
        stats.add(Counter.HELLO_BYTES_RECEIVED, length);
        helloView.wrap(buf, offset, length);
        byte[] a = buf.array();
        int clientKey = buf.arrayOffset() + helloView.clientKeyIndex();
        if (CryptoBox.isSmallOrder(a, clientKey)) {
            return DropReason.LOW_ORDER_KEY;
        }
        if (control.isFull() || !allowed(now, from)) {
            return DropReason.RATE_LIMITED;
        }
        long counter = cookies.nextCounter();
        if (counter < 0) {
            return DropReason.RATE_LIMITED;
        }
        random.nextBytes(connectionSecret, 0, 32);
        crypto.publicKey(connectionSecret, 0, connectionPublic, 0);
        random.nextBytes(nonceSuffix, 0, 16);
        ByteBuffer out = control.reserve(from);
        crypto.sealCookie(out, 0, a, clientKey, serverSecret, serverPublic, connectionSecret, connectionPublic,
            cookies.currentKey(), counter, nonceSuffix);
        Arrays.fill(connectionSecret, (byte) 0);
        control.commit(CookiePacket.SIZE);
        stats.increment(Counter.COOKIE_SENT);
        stats.add(Counter.COOKIE_BYTES_SENT, CookiePacket.SIZE);
        return null;
    }

    /**
     * Checks an INIT for a new connection, everything but the slot: rate limits, the cookie under either minute
     * key, that it names this C', that it was not used, the connection key, the box (opened in place). On success
     * (null) the connection key is in {@code keyOut}; the caller wipes it, and calls {@link #accepted} or
     * {@link #refuseFull}.
     */
    DropReason checkInit(long now, InetSocketAddress from, InitPacket init, byte[] keyOut) {
        if (!allowed(now, from)) {
            return DropReason.RATE_LIMITED;
        }
        byte[] a = init.buffer().array();
        int clientKey = init.buffer().arrayOffset() + init.clientKeyIndex();
        openedWith = cookies.open(crypto, init, cookieContents);
        if (openedWith == CookieJar.NONE) {
            return DropReason.COOKIE_INVALID;
        }
        openedCounter = cookies.openedCounter();
        boolean sameKey = ConstantTime.equals(cookieContents, 0, a, clientKey, 32);
        boolean derived = sameKey && !cookies.isUsed(openedWith, openedCounter)
            && crypto.connectionKey(a, clientKey, cookieContents, 32, keyOut);
        Arrays.fill(cookieContents, (byte) 0);
        if (!sameKey) {
            return DropReason.COOKIE_KEY_MISMATCH;
        }
        if (cookies.isUsed(openedWith, openedCounter)) {
            return DropReason.INIT_REPLAYED;
        }
        if (!derived) {
            return DropReason.LOW_ORDER_KEY;
        }
        initKey.setKey(keyOut, 0);
        if (!crypto.openInit(init, initKey)) {
            Arrays.fill(keyOut, (byte) 0);
            return DropReason.BOX_INVALID;
        }
        return null;
    }

    /** The INIT just checked took a slot: its cookie is used from now on. */
    void accepted() {
        cookies.markUsed(openedWith, openedCounter);
    }

    /**
     * The stateless, authenticated "server full" answer to the INIT just checked (docs/PROTOCOL.md, section 9):
     * a DATA holding an ABORT with reason 1 at the reserved counter, the same bytes every time.
     */
    void refuseFull(InetSocketAddress to, InitPacket init) {
        if (control.isFull()) {
            return;
        }
        ByteBuffer out = control.reserve(to);
        writer.wrapForWrite(out, DataPacket.BOX_OFFSET + 16).flags(Message.FLAG_ABORT).sackCount(0).dataLength(1)
            .window(0).sequence(0).ack(0).timestamp(0).echo(0).ackDelay(0);
        out.put(writer.dataIndex(), (byte) Endpoint.ABORT_SERVER_FULL);
        int n = crypto.sealData(out, 0, init.buffer().array(), init.buffer().arrayOffset() + init.clientKeyIndex(),
            false, Endpoint.SERVER_FULL_COUNTER, initKey, writer.encodedLength());
        control.commit(n);
    }
}
