package io.github.udptunnel.engine;

import java.util.Arrays;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.InitPacket;

/**
 * The server's minute keys and what it remembers of the cookies made under them. A new key is drawn every period
 * and the previous one kept one more period, so a cookie opens for one to two periods. Each key numbers its cookies
 * from 0 and has a bitmap of the numbers already used by an accepted INIT: an INIT is accepted once, in fixed memory,
 * and the bitmap is forgotten with its key.
 */
final class CookieJar {

    /** Which key opened a cookie. */
    static final int CURRENT = 0;
    static final int PREVIOUS = 1;
    static final int NONE = -1;

    private final KeystreamRandom random;
    private final long periodNanos;
    private final int capacity;
    private final byte[] keyBytes = new byte[SecretBox.KEY_SIZE];
    private SecretBox current = new SecretBox();
    private SecretBox previous = new SecretBox();
    private long[] usedCurrent;
    private long[] usedPrevious;
    private boolean hasPrevious;
    private long issued;
    private long rotateAt = Long.MIN_VALUE;
    private long openedCounter;

    CookieJar(KeystreamRandom random, long periodNanos, int capacity) {
        this.random = random;
        this.periodNanos = periodNanos;
        this.capacity = capacity;
        this.usedCurrent = new long[(capacity + 63) / 64];
        this.usedPrevious = new long[(capacity + 63) / 64];
    }

    /** Draws a new minute key when the period is over; returns true when it did. */
    boolean rotateIfDue(long now) {
        if (rotateAt != Long.MIN_VALUE && now < rotateAt) {
            return false;
        }
        boolean first = rotateAt == Long.MIN_VALUE;
        SecretBox oldPrevious = previous;
        previous = current;
        current = oldPrevious;
        long[] oldUsed = usedPrevious;
        usedPrevious = usedCurrent;
        usedCurrent = oldUsed;
        Arrays.fill(usedCurrent, 0);
        hasPrevious = !first;
        random.nextBytes(keyBytes, 0, keyBytes.length);
        current.setKey(keyBytes, 0);
        Arrays.fill(keyBytes, (byte) 0);
        issued = 0;
        rotateAt = now + periodNanos;
        return !first;
    }

    long nextRotation() {
        return rotateAt;
    }

    /** The number of the next cookie under the current key, or -1 when this key's budget is spent. */
    long nextCounter() {
        return issued < capacity ? issued++ : -1;
    }

    SecretBox currentKey() {
        return current;
    }

    /**
     * Opens the INIT's cookie under the current key, then the previous; writes (C', s') to {@code out}. Returns
     * which key opened it, or NONE.
     */
    int open(PacketCrypto crypto, InitPacket init, byte[] out) {
        long counter = crypto.openCookie(init, current, out);
        if (counter >= 0) {
            openedCounter = counter;
            return CURRENT;
        }
        if (hasPrevious) {
            counter = crypto.openCookie(init, previous, out);
            if (counter >= 0) {
                openedCounter = counter;
                return PREVIOUS;
            }
        }
        return NONE;
    }

    /** The counter of the cookie the last {@link #open} opened. */
    long openedCounter() {
        return openedCounter;
    }

    boolean isUsed(int which, long counter) {
        if (counter < 0 || counter >= capacity) {
            return true;  // never issued: only a forger could present it
        }
        long[] used = which == CURRENT ? usedCurrent : usedPrevious;
        return (used[(int) (counter >>> 6)] & (1L << counter)) != 0;
    }

    void markUsed(int which, long counter) {
        long[] used = which == CURRENT ? usedCurrent : usedPrevious;
        used[(int) (counter >>> 6)] |= 1L << counter;
    }
}
