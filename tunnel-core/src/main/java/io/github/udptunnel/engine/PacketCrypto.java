package io.github.udptunnel.engine;

import java.nio.ByteBuffer;

import io.github.udptunnel.crypto.CryptoBox;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Nonces;

/**
 * The cryptography of each packet of protocol version 1, with every key, counter and random byte passed in, so
 * that the engine and the test vectors run the same code. Packets live in heap buffers and boxes are sealed and
 * opened in place. One instance per thread: it owns scratch buffers, and after construction allocates nothing,
 * key generation and X25519 included.
 */
public final class PacketCrypto {

    private final CryptoBox cryptoBox = new CryptoBox();
    private final SecretBox scratchBox = new SecretBox();
    private final byte[] nonce = new byte[Nonces.SIZE];
    private final byte[] key = new byte[CryptoBox.KEY_SIZE];

    /**
     * Server: writes the COOKIE that answers a HELLO from {@code clientKey}: seals (C', s') under the minute key
     * as cookie number {@code cookieCounter}, then boxes (S', cookie) from s to C'. Returns false, writing nothing
     * useful, when C' is of small order.
     */
    public boolean sealCookie(ByteBuffer out, int offset, byte[] clientKey, int clientKeyOff,
                              byte[] serverSecret, byte[] serverPublic,
                              byte[] connectionSecret, byte[] connectionPublic,
                              SecretBox minuteKey, long cookieCounter, byte[] nonceSuffix) {
        if (!cryptoBox.beforenm(clientKey, clientKeyOff, serverSecret, 0, key, 0)) {
            return false;
        }
        byte[] a = out.array();
        int base = out.arrayOffset() + offset;
        CookiePacket.encodeHead(out, offset, clientKey, clientKeyOff, serverPublic, 0, nonceSuffix, 0);
        int plain = base + CookiePacket.BOX_OFFSET + 16;
        System.arraycopy(connectionPublic, 0, a, plain, 32);

        int cookie = plain + 32;
        for (int i = 0; i < 8; i++) {
            a[cookie + Cookie.COUNTER_OFFSET + i] = (byte) (cookieCounter >>> (8 * i));
        }
        int cookiePlain = cookie + Cookie.BOX_OFFSET + 16;
        System.arraycopy(clientKey, clientKeyOff, a, cookiePlain, 32);
        System.arraycopy(connectionSecret, 0, a, cookiePlain + 32, 32);
        Nonces.cookie(nonce, cookieCounter);
        minuteKey.seal(nonce, 0, a, cookiePlain, Cookie.PLAINTEXT_SIZE, a, cookie + Cookie.BOX_OFFSET);

        Nonces.cookieBox(nonce, nonceSuffix, 0);
        scratchBox.setKey(key, 0);
        scratchBox.seal(nonce, 0, a, plain, CookiePacket.PLAINTEXT_SIZE, a, base + CookiePacket.BOX_OFFSET);
        wipeKey();
        return true;
    }

    /** Writes the X25519 public key of {@code secret[secretOff..+32)} to {@code out[outOff..+32)}. */
    public void publicKey(byte[] secret, int secretOff, byte[] out, int outOff) {
        cryptoBox.publicKey(secret, secretOff, out, outOff);
    }

    /**
     * Client: opens a COOKIE with its connection secret c'. On success the box's plaintext (S', then the cookie)
     * is left in place at {@code view.boxIndex() + 16}; returns false when S is of small order or the box fails.
     */
    public boolean openCookie(CookiePacket view, byte[] clientSecret) {
        ByteBuffer in = view.buffer();
        byte[] a = in.array();
        int base = in.arrayOffset();
        if (!cryptoBox.beforenm(a, base + view.serverKeyIndex(), clientSecret, 0, key, 0)) {
            return false;
        }
        Nonces.cookieBox(nonce, a, base + view.nonceSuffixIndex());
        scratchBox.setKey(key, 0);
        wipeKey();
        int box = base + view.boxIndex();
        return scratchBox.open(nonce, 0, a, box, CookiePacket.BOX_SIZE, a, box + 16);
    }

    /**
     * Server: opens the cookie of an INIT under a minute key. On success (C', s') is written to
     * {@code clientKeyAndSecret} (64 bytes) and the cookie's counter is returned; -1 when it does not open.
     */
    public long openCookie(InitPacket view, SecretBox minuteKey, byte[] clientKeyAndSecret) {
        byte[] a = view.buffer().array();
        int cookie = view.buffer().arrayOffset() + view.cookieIndex();
        long counter = 0;
        for (int i = 7; i >= 0; i--) {
            counter = (counter << 8) | (a[cookie + Cookie.COUNTER_OFFSET + i] & 0xff);
        }
        Nonces.cookie(nonce, counter);
        return minuteKey.open(nonce, 0, a, cookie + Cookie.BOX_OFFSET, Cookie.BOX_SIZE, clientKeyAndSecret, 0)
            ? counter : -1;
    }

    /** crypto_box_beforenm: the connection key of (their public, our secret); false for a small-order key. */
    public boolean connectionKey(byte[] theirPublic, int theirOff, byte[] ourSecret, SecretBox into) {
        return connectionKey(theirPublic, theirOff, ourSecret, 0, into);
    }

    /** crypto_box_beforenm into {@code out[0..32)}; false, writing nothing, for a small-order key. */
    public boolean connectionKey(byte[] theirPublic, int theirOff, byte[] ourSecret, int secretOff, byte[] out) {
        return cryptoBox.beforenm(theirPublic, theirOff, ourSecret, secretOff, out, 0);
    }

    /** As above, with our secret at {@code secretOff}. */
    public boolean connectionKey(byte[] theirPublic, int theirOff, byte[] ourSecret, int secretOff, SecretBox into) {
        if (!cryptoBox.beforenm(theirPublic, theirOff, ourSecret, secretOff, key, 0)) {
            return false;
        }
        into.setKey(key, 0);
        wipeKey();
        return true;
    }

    /**
     * Client: writes an INIT around the message of {@code messageLength} bytes that the caller already wrote at
     * {@code offset + InitPacket.BOX_OFFSET + 16}. Returns the packet's length.
     */
    public int sealInit(ByteBuffer out, int offset, byte[] clientKey, int keyOff, byte[] cookie, long counter,
                        SecretBox connection, int messageLength) {
        InitPacket.encodeHead(out, offset, clientKey, keyOff, cookie, 0, counter);
        return sealInPlace(out, offset, InitPacket.BOX_OFFSET, true, counter, connection, messageLength);
    }

    /**
     * Either side: writes a DATA packet around the message of {@code messageLength} bytes that the caller already
     * wrote at {@code offset + DataPacket.BOX_OFFSET + 16}. Returns the packet's length.
     */
    public int sealData(ByteBuffer out, int offset, byte[] clientKey, int keyOff, boolean fromClient, long counter,
                        SecretBox connection, int messageLength) {
        DataPacket.encodeHead(out, offset, clientKey, keyOff, counter);
        return sealInPlace(out, offset, DataPacket.BOX_OFFSET, fromClient, counter, connection, messageLength);
    }

    /** Opens an INIT's box in place; the message is then at {@code view.boxIndex() + 16}. */
    public boolean openInit(InitPacket view, SecretBox connection) {
        return openInPlace(view.buffer(), view.boxIndex(), view.boxLength(), true, view.counter(), connection);
    }

    /** Opens a DATA box in place; the message is then at {@code view.boxIndex() + 16}. */
    public boolean openData(DataPacket view, boolean fromClient, SecretBox connection) {
        return openInPlace(view.buffer(), view.boxIndex(), view.boxLength(), fromClient, view.counter(), connection);
    }

    private int sealInPlace(ByteBuffer out, int offset, int boxOffset, boolean fromClient, long counter,
                            SecretBox connection, int messageLength) {
        int box = out.arrayOffset() + offset + boxOffset;
        Nonces.direction(nonce, fromClient, counter);
        connection.seal(nonce, 0, out.array(), box + 16, messageLength, out.array(), box);
        return boxOffset + 16 + messageLength;
    }

    private boolean openInPlace(ByteBuffer in, int boxIndex, int boxLength, boolean fromClient, long counter,
                                SecretBox connection) {
        int box = in.arrayOffset() + boxIndex;
        Nonces.direction(nonce, fromClient, counter);
        return connection.open(nonce, 0, in.array(), box, boxLength, in.array(), box + 16);
    }

    private void wipeKey() {
        java.util.Arrays.fill(key, (byte) 0);
    }
}
