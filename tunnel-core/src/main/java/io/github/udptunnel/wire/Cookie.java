package io.github.udptunnel.wire;

/**
 * The cookie, {@value #SIZE} bytes, which lets the server keep no state between HELLO and INIT: an 8-byte counter,
 * then a secretbox under the minute key m of (C', s'), with nonce {@code "rtunnel minute k" || counter}.
 * The counter is never repeated under one minute key; the server also uses it to accept each cookie once.
 */
public final class Cookie {

    public static final int COUNTER_OFFSET = 0;
    public static final int BOX_OFFSET = 8;
    /** What the box holds: the client's connection key C', then the server's connection secret s'. */
    public static final int PLAINTEXT_SIZE = 32 + 32;
    public static final int BOX_SIZE = 16 + PLAINTEXT_SIZE;
    public static final int SIZE = BOX_OFFSET + BOX_SIZE;

    private Cookie() {
    }
}
