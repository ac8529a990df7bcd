package io.github.udptunnel.wire;

import java.nio.charset.StandardCharsets;

/**
 * The 24-byte nonces of protocol version 1. Each key has its own nonce space, and within it a nonce is never used
 * twice:
 * <ul>
 * <li>connection key, client to server: {@code "rtunnel client->" || counter} (counter as 8 bytes, little-endian);
 * <li>connection key, server to client: {@code "rtunnel server->" || counter};
 * <li>minute key (the cookie): {@code "rtunnel minute k" || cookie counter};
 * <li>COOKIE box (s and C'): {@code "rtunnelC" || 16 random bytes}, since s outlives any counter.
 * </ul>
 */
public final class Nonces {

    public static final int SIZE = 24;
    public static final int PREFIX_SIZE = 16;
    public static final int COOKIE_BOX_PREFIX_SIZE = 8;

    private static final byte[] CLIENT_TO_SERVER = ascii("rtunnel client->");
    private static final byte[] SERVER_TO_CLIENT = ascii("rtunnel server->");
    private static final byte[] MINUTE_KEY = ascii("rtunnel minute k");
    private static final byte[] COOKIE_BOX = ascii("rtunnelC");

    private Nonces() {
    }

    /** The nonce of the {@code counter}-th packet the client (or the server) sends on a connection. */
    public static void direction(byte[] nonce, boolean fromClient, long counter) {
        withCounter(nonce, fromClient ? CLIENT_TO_SERVER : SERVER_TO_CLIENT, counter);
    }

    /** The nonce of the cookie numbered {@code counter} under the current minute key. */
    public static void cookie(byte[] nonce, long counter) {
        withCounter(nonce, MINUTE_KEY, counter);
    }

    /** The nonce of a COOKIE packet's box, from the 16-byte suffix the packet carries. */
    public static void cookieBox(byte[] nonce, byte[] suffix, int suffixOff) {
        System.arraycopy(COOKIE_BOX, 0, nonce, 0, COOKIE_BOX_PREFIX_SIZE);
        System.arraycopy(suffix, suffixOff, nonce, COOKIE_BOX_PREFIX_SIZE, SIZE - COOKIE_BOX_PREFIX_SIZE);
    }

    private static void withCounter(byte[] nonce, byte[] prefix, long counter) {
        System.arraycopy(prefix, 0, nonce, 0, PREFIX_SIZE);
        for (int i = 0; i < 8; i++) {
            nonce[PREFIX_SIZE + i] = (byte) (counter >>> (8 * i));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
