package io.github.udptunnel.crypto;

/** Comparisons whose running time does not depend on the bytes compared: for tags, keys and cookies. */
public final class ConstantTime {

    private ConstantTime() {
    }

    /** True when {@code a[aOff..aOff+len)} equals {@code b[bOff..bOff+len)}; every byte is always read. */
    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** True when every byte of {@code a[off..off+len)} is zero; every byte is always read. */
    public static boolean isZero(byte[] a, int off, int len) {
        int bits = 0;
        for (int i = 0; i < len; i++) {
            bits |= a[off + i];
        }
        return bits == 0;
    }
}
