package io.github.udptunnel.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Arithmetic modulo p = 2^255 - 19 on five 51-bit limbs in a {@code long[5]} (radix 2^51, as curve25519-donna-c64
 * and ref10's 64-bit code do): 25 limb products per multiplication where 26-bit limbs need 100, each taken whole
 * with {@link Math#multiplyHigh}. Every operation is constant time (no branch or index on the values) and writes
 * into an array the caller owns: nothing here allocates.
 *
 * <p>Bounds, which every caller keeps: {@link #mul} and {@link #sqr} take limbs below 2^53 and return reduced
 * limbs (below 2^51 + 2^16); {@link #mulSmall} takes limbs below 2^53 and returns limbs below 2^52; {@link #add}
 * takes limbs below 2^52 and {@link #sub} reduced limbs, and both return limbs below 2^53. Output arrays may be
 * the same as inputs.
 */
final class Field25519 {

    static final int LIMBS = 5;

    private static final long M51 = (1L << 51) - 1;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** 2p in limbs, added before a subtraction so that no limb goes negative. */
    private static final long TWO_P0 = (1L << 52) - 38;
    private static final long TWO_P = (1L << 52) - 2;

    private Field25519() {
    }

    static long[] create() {
        return new long[LIMBS];
    }

    static void zero(long[] z) {
        z[0] = 0;
        z[1] = 0;
        z[2] = 0;
        z[3] = 0;
        z[4] = 0;
    }

    static void one(long[] z) {
        z[0] = 1;
        z[1] = 0;
        z[2] = 0;
        z[3] = 0;
        z[4] = 0;
    }

    static void copy(long[] a, long[] z) {
        z[0] = a[0];
        z[1] = a[1];
        z[2] = a[2];
        z[3] = a[3];
        z[4] = a[4];
    }

    static void add(long[] a, long[] b, long[] z) {
        z[0] = a[0] + b[0];
        z[1] = a[1] + b[1];
        z[2] = a[2] + b[2];
        z[3] = a[3] + b[3];
        z[4] = a[4] + b[4];
    }

    /** z = a - b + 2p. */
    static void sub(long[] a, long[] b, long[] z) {
        z[0] = a[0] + TWO_P0 - b[0];
        z[1] = a[1] + TWO_P - b[1];
        z[2] = a[2] + TWO_P - b[2];
        z[3] = a[3] + TWO_P - b[3];
        z[4] = a[4] + TWO_P - b[4];
    }

    /** Carries a in place so every limb is below 2^51 + 2^15 (weak reduction; the value mod p is unchanged). */
    static void carry(long[] a) {
        long r0 = a[0];
        long r1 = a[1] + (r0 >>> 51);
        long r2 = a[2] + (r1 >>> 51);
        long r3 = a[3] + (r2 >>> 51);
        long r4 = a[4] + (r3 >>> 51);
        a[0] = (r0 & M51) + (r4 >>> 51) * 19;
        a[1] = r1 & M51;
        a[2] = r2 & M51;
        a[3] = r3 & M51;
        a[4] = r4 & M51;
    }

    /** Copies b into a when {@code move} is 1, leaves a when it is 0: by mask, in constant time. */
    static void cmov(long move, long[] b, long[] a) {
        long mask = -move;
        for (int i = 0; i < LIMBS; i++) {
            a[i] ^= mask & (a[i] ^ b[i]);
        }
    }

    /** Like {@link #cmov}, from five limbs of {@code table} at {@code off}. */
    static void cmov(long move, long[] table, int off, long[] a) {
        long mask = -move;
        for (int i = 0; i < LIMBS; i++) {
            a[i] ^= mask & (a[i] ^ table[off + i]);
        }
    }

    /** The limbs of a value below 2^255 (for constants). */
    static void fromBigInteger(java.math.BigInteger v, long[] z, int off) {
        java.math.BigInteger m = java.math.BigInteger.valueOf(M51);
        for (int i = 0; i < LIMBS; i++) {
            z[off + i] = v.shiftRight(51 * i).and(m).longValueExact();
        }
    }

    /** Swaps a and b when {@code swap} is 1, leaves them when it is 0: by mask, in constant time. */
    static void cswap(long swap, long[] a, long[] b) {
        long mask = -swap;
        for (int i = 0; i < LIMBS; i++) {
            long t = mask & (a[i] ^ b[i]);
            a[i] ^= t;
            b[i] ^= t;
        }
    }

    /**
     * z = a b. Limb products that land at 2^255 or above come back times 19 (2^255 = 19 mod p), by multiplying
     * by 19 b_j. Each column of up to five products (below 2^113) is kept as three 64-bit sums (see
     * {@link #above}), so no 128-bit addition with carries is needed.
     */
    static void mul(long[] a, long[] b, long[] z) {
        long a0 = a[0];
        long a1 = a[1];
        long a2 = a[2];
        long a3 = a[3];
        long a4 = a[4];
        long b0 = b[0];
        long b1 = b[1];
        long b2 = b[2];
        long b3 = b[3];
        long b4 = b[4];
        long b1x = b1 * 19;
        long b2x = b2 * 19;
        long b3x = b3 * 19;
        long b4x = b4 * 19;
        long p;

        // Column k: lo = sum of the low 64-bit halves (wrapping), sh = sum of (low half >>> 51), hi = sum of highs.
        p = a0 * b0; long lo0 = p; long sh0 = p >>> 51; long hi0 = Math.multiplyHigh(a0, b0);
        p = a1 * b4x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a1, b4x);
        p = a2 * b3x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a2, b3x);
        p = a3 * b2x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a3, b2x);
        p = a4 * b1x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a4, b1x);

        p = a0 * b1; long lo1 = p; long sh1 = p >>> 51; long hi1 = Math.multiplyHigh(a0, b1);
        p = a1 * b0; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a1, b0);
        p = a2 * b4x; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a2, b4x);
        p = a3 * b3x; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a3, b3x);
        p = a4 * b2x; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a4, b2x);

        p = a0 * b2; long lo2 = p; long sh2 = p >>> 51; long hi2 = Math.multiplyHigh(a0, b2);
        p = a1 * b1; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a1, b1);
        p = a2 * b0; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a2, b0);
        p = a3 * b4x; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a3, b4x);
        p = a4 * b3x; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a4, b3x);

        p = a0 * b3; long lo3 = p; long sh3 = p >>> 51; long hi3 = Math.multiplyHigh(a0, b3);
        p = a1 * b2; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a1, b2);
        p = a2 * b1; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a2, b1);
        p = a3 * b0; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a3, b0);
        p = a4 * b4x; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a4, b4x);

        p = a0 * b4; long lo4 = p; long sh4 = p >>> 51; long hi4 = Math.multiplyHigh(a0, b4);
        p = a1 * b3; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a1, b3);
        p = a2 * b2; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a2, b2);
        p = a3 * b1; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a3, b1);
        p = a4 * b0; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a4, b0);

        reduce(lo0, sh0, hi0, lo1, sh1, hi1, lo2, sh2, hi2, lo3, sh3, hi3, lo4, sh4, hi4, z);
    }

    /** z = a^2: 15 products, the doubled and the wrapped ones folded into one factor. */
    static void sqr(long[] a, long[] z) {
        long a0 = a[0];
        long a1 = a[1];
        long a2 = a[2];
        long a3 = a[3];
        long a4 = a[4];
        long d0 = a0 * 2;
        long d1 = a1 * 2;
        long d2x = a2 * 38;
        long a3x = a3 * 19;
        long a4x = a4 * 19;
        long d4x = a4 * 38;
        long p;

        p = a0 * a0; long lo0 = p; long sh0 = p >>> 51; long hi0 = Math.multiplyHigh(a0, a0);
        p = a1 * d4x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a1, d4x);
        p = a3 * d2x; lo0 += p; sh0 += p >>> 51; hi0 += Math.multiplyHigh(a3, d2x);

        p = a1 * d0; long lo1 = p; long sh1 = p >>> 51; long hi1 = Math.multiplyHigh(a1, d0);
        p = a2 * d4x; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a2, d4x);
        p = a3 * a3x; lo1 += p; sh1 += p >>> 51; hi1 += Math.multiplyHigh(a3, a3x);

        p = a2 * d0; long lo2 = p; long sh2 = p >>> 51; long hi2 = Math.multiplyHigh(a2, d0);
        p = a1 * a1; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a1, a1);
        p = a3 * d4x; lo2 += p; sh2 += p >>> 51; hi2 += Math.multiplyHigh(a3, d4x);

        p = a3 * d0; long lo3 = p; long sh3 = p >>> 51; long hi3 = Math.multiplyHigh(a3, d0);
        p = a2 * d1; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a2, d1);
        p = a4 * a4x; lo3 += p; sh3 += p >>> 51; hi3 += Math.multiplyHigh(a4, a4x);

        p = a4 * d0; long lo4 = p; long sh4 = p >>> 51; long hi4 = Math.multiplyHigh(a4, d0);
        p = a3 * d1; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a3, d1);
        p = a2 * a2; lo4 += p; sh4 += p >>> 51; hi4 += Math.multiplyHigh(a2, a2);

        reduce(lo0, sh0, hi0, lo1, sh1, hi1, lo2, sh2, hi2, lo3, sh3, hi3, lo4, sh4, hi4, z);
    }

    /** z = a^(2^n): n squarings. */
    static void sqr(long[] a, int n, long[] z) {
        sqr(a, z);
        for (int i = 1; i < n; i++) {
            sqr(z, z);
        }
    }

    /** z = a k for a small constant k (below 2^20, as 121665 is). */
    static void mulSmall(long[] a, long k, long[] z) {
        long p0 = a[0] * k;
        long u0 = (Math.multiplyHigh(a[0], k) << 13) | (p0 >>> 51);
        long p1 = a[1] * k;
        long u1 = (Math.multiplyHigh(a[1], k) << 13) | (p1 >>> 51);
        long p2 = a[2] * k;
        long u2 = (Math.multiplyHigh(a[2], k) << 13) | (p2 >>> 51);
        long p3 = a[3] * k;
        long u3 = (Math.multiplyHigh(a[3], k) << 13) | (p3 >>> 51);
        long p4 = a[4] * k;
        long u4 = (Math.multiplyHigh(a[4], k) << 13) | (p4 >>> 51);
        z[0] = (p0 & M51) + u4 * 19;
        z[1] = (p1 & M51) + u0;
        z[2] = (p2 & M51) + u1;
        z[3] = (p3 & M51) + u2;
        z[4] = (p4 & M51) + u3;
    }

    /** z = 1/a = a^(p-2), by ref10's chain of 254 squarings and 11 multiplications; t0..t3 are scratch. */
    static void invert(long[] a, long[] z, long[] t0, long[] t1, long[] t2, long[] t3) {
        sqr(a, t0);                 // a^2
        sqr(t0, 2, t1);             // a^8
        mul(a, t1, t1);             // a^9
        mul(t0, t1, t0);            // a^11
        sqr(t0, t2);                // a^22
        mul(t1, t2, t1);            // a^(2^5 - 1)
        sqr(t1, 5, t2);
        mul(t2, t1, t1);            // a^(2^10 - 1)
        sqr(t1, 10, t2);
        mul(t2, t1, t2);            // a^(2^20 - 1)
        sqr(t2, 20, t3);
        mul(t3, t2, t2);            // a^(2^40 - 1)
        sqr(t2, 10, t2);
        mul(t2, t1, t1);            // a^(2^50 - 1)
        sqr(t1, 50, t2);
        mul(t2, t1, t2);            // a^(2^100 - 1)
        sqr(t2, 100, t3);
        mul(t3, t2, t2);            // a^(2^200 - 1)
        sqr(t2, 50, t2);
        mul(t2, t1, t1);            // a^(2^250 - 1)
        sqr(t1, 5, t1);             // a^(2^255 - 2^5)
        mul(t1, t0, z);             // a^(2^255 - 21) = a^(p - 2)
    }

    /** Reads 32 little-endian bytes, bit 255 ignored (RFC 7748, 5); values from p to 2^255 - 1 are accepted. */
    static void decode(byte[] in, int off, long[] z) {
        long t0 = readLong(in, off);
        long t1 = readLong(in, off + 8);
        long t2 = readLong(in, off + 16);
        long t3 = readLong(in, off + 24) & Long.MAX_VALUE;
        z[0] = t0 & M51;
        z[1] = ((t0 >>> 51) | (t1 << 13)) & M51;
        z[2] = ((t1 >>> 38) | (t2 << 26)) & M51;
        z[3] = ((t2 >>> 25) | (t3 << 39)) & M51;
        z[4] = t3 >>> 12;
    }

    /** Writes the canonical 32 bytes of a (fully reduced below p), little-endian. {@code a} is left as it was. */
    static void encode(long[] a, byte[] out, int off) {
        long r0 = a[0];
        long r1 = a[1];
        long r2 = a[2];
        long r3 = a[3];
        long r4 = a[4];
        // Two carry passes leave r below 2^255 + 19 < 2p.
        for (int pass = 0; pass < 2; pass++) {
            r1 += r0 >>> 51;
            r0 &= M51;
            r2 += r1 >>> 51;
            r1 &= M51;
            r3 += r2 >>> 51;
            r2 &= M51;
            r4 += r3 >>> 51;
            r3 &= M51;
            r0 += (r4 >>> 51) * 19;
            r4 &= M51;
        }
        // q = 1 exactly when r >= p, that is when r + 19 reaches 2^255 (ref10's fe_tobytes); then r - p = r + 19 - 2^255.
        long q = (r0 + 19) >>> 51;
        q = (r1 + q) >>> 51;
        q = (r2 + q) >>> 51;
        q = (r3 + q) >>> 51;
        q = (r4 + q) >>> 51;
        r0 += 19 * q;
        r1 += r0 >>> 51;
        r0 &= M51;
        r2 += r1 >>> 51;
        r1 &= M51;
        r3 += r2 >>> 51;
        r2 &= M51;
        r4 += r3 >>> 51;
        r3 &= M51;
        r4 &= M51;
        writeLong(out, off, r0 | (r1 << 51));
        writeLong(out, off + 8, (r1 >>> 13) | (r2 << 38));
        writeLong(out, off + 16, (r2 >>> 26) | (r3 << 25));
        writeLong(out, off + 24, (r3 >>> 39) | (r4 << 12));
    }

    /**
     * Carries the five columns of a product into limbs below 2^51 + 2^16. Column k is worth
     * {@code hi * 2^64 + lo_exact}, and {@code lo_exact = sh * 2^51 + (lo - (sh << 51))} where the second term,
     * a sum of five 51-bit values, is exact in 64 bits: so its bits 51 and up are {@link #above}.
     */
    private static void reduce(long lo0, long sh0, long hi0, long lo1, long sh1, long hi1, long lo2, long sh2,
                               long hi2, long lo3, long sh3, long hi3, long lo4, long sh4, long hi4, long[] z) {
        long r1 = (lo1 & M51) + above(lo0, sh0, hi0);
        long r2 = (lo2 & M51) + above(lo1, sh1, hi1);
        long r3 = (lo3 & M51) + above(lo2, sh2, hi2);
        long r4 = (lo4 & M51) + above(lo3, sh3, hi3);
        long top = above(lo4, sh4, hi4);

        r2 += r1 >>> 51;
        r1 &= M51;
        r3 += r2 >>> 51;
        r2 &= M51;
        r4 += r3 >>> 51;
        r3 &= M51;
        top += r4 >>> 51;
        r4 &= M51;
        // top (below 2^62) sits at 2^255 = 19: its low 51 bits go to limb 0, the rest to limb 1, each times 19.
        long r0 = (lo0 & M51) + (top & M51) * 19;
        r1 += (top >>> 51) * 19 + (r0 >>> 51);
        r0 &= M51;
        z[0] = r0;
        z[1] = r1;
        z[2] = r2;
        z[3] = r3;
        z[4] = r4;
    }

    /** The column's value shifted right by 51 bits. */
    private static long above(long lo, long sh, long hi) {
        return (hi << 13) + sh + ((lo - (sh << 51)) >>> 51);
    }

    private static long readLong(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }

    private static void writeLong(byte[] b, int off, long v) {
        LONG_LE.set(b, off, v);
    }
}
