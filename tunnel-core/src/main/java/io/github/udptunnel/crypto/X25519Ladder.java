package io.github.udptunnel.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * X25519 (RFC 7748) on BouncyCastle's field arithmetic, with every field element made once: BouncyCastle's own
 * {@code X25519.scalarMult} allocates its field elements on each call (1,192 bytes), which a server answering a
 * HELLO flood cannot afford. The Montgomery ladder is RFC 7748's, constant time (conditional swaps, no
 * secret-dependent branches or indexes). Not thread-safe: one per thread.
 */
final class X25519Ladder {

    /** (486662 - 2) / 4, the ladder's curve constant. */
    private static final int A24 = 121665;

    private final byte[] scalar = new byte[32];
    private final int[] x1 = X25519Field.create();
    private final int[] x2 = X25519Field.create();
    private final int[] z2 = X25519Field.create();
    private final int[] x3 = X25519Field.create();
    private final int[] z3 = X25519Field.create();
    private final int[] a = X25519Field.create();
    private final int[] aa = X25519Field.create();
    private final int[] b = X25519Field.create();
    private final int[] bb = X25519Field.create();
    private final int[] e = X25519Field.create();
    private final int[] c = X25519Field.create();
    private final int[] d = X25519Field.create();
    private final int[] da = X25519Field.create();
    private final int[] cb = X25519Field.create();
    private final int[] t = X25519Field.create();
    private final int[] i0 = X25519Field.create();
    private final int[] i1 = X25519Field.create();
    private final int[] i2 = X25519Field.create();
    private final int[] i3 = X25519Field.create();

    /**
     * Writes {@code X25519(k, u)} to {@code out[outOff..outOff+32)}; returns false when the result is all zero
     * (u of small order). The scalar is clamped as RFC 7748 requires; bit 255 of u is ignored.
     */
    boolean scalarMult(byte[] k, int kOff, byte[] u, int uOff, byte[] out, int outOff) {
        System.arraycopy(k, kOff, scalar, 0, 32);
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;

        X25519Field.decode255(u, uOff, x1, 0);
        X25519Field.one(x2);
        X25519Field.zero(z2);
        X25519Field.copy(x1, 0, x3, 0);
        X25519Field.one(z3);

        int swap = 0;
        for (int bit = 254; bit >= 0; bit--) {
            int kt = (scalar[bit >>> 3] >>> (bit & 7)) & 1;
            swap ^= kt;
            X25519Field.cswap(swap, x2, x3);
            X25519Field.cswap(swap, z2, z3);
            swap = kt;

            X25519Field.add(x2, z2, a);
            X25519Field.sqr(a, aa);
            X25519Field.sub(x2, z2, b);
            X25519Field.sqr(b, bb);
            X25519Field.sub(aa, bb, e);
            X25519Field.add(x3, z3, c);
            X25519Field.sub(x3, z3, d);
            X25519Field.mul(d, a, da);
            X25519Field.mul(c, b, cb);
            X25519Field.add(da, cb, t);
            X25519Field.sqr(t, x3);
            X25519Field.sub(da, cb, t);
            X25519Field.sqr(t, t);
            X25519Field.mul(x1, t, z3);
            X25519Field.mul(aa, bb, x2);
            X25519Field.mul(e, A24, t);
            X25519Field.add(aa, t, t);
            X25519Field.mul(e, t, z2);
        }
        X25519Field.cswap(swap, x2, x3);
        X25519Field.cswap(swap, z2, z3);

        invert(z2, t);
        X25519Field.mul(x2, t, x2);
        X25519Field.normalize(x2);
        X25519Field.encode(x2, out, outOff);
        java.util.Arrays.fill(scalar, (byte) 0);
        return !ConstantTime.isZero(out, outOff, 32);
    }

    /**
     * {@code out = z^(p-2) = 1/z}, by ref10's chain of 254 squarings and 11 multiplications: constant time, and
     * unlike {@code X25519Field.inv} it allocates nothing.
     */
    private void invert(int[] z, int[] out) {
        X25519Field.sqr(z, i0);                 // z^2
        X25519Field.sqr(i0, 2, i1);             // z^8
        X25519Field.mul(z, i1, i1);             // z^9
        X25519Field.mul(i0, i1, i0);            // z^11
        X25519Field.sqr(i0, i2);                // z^22
        X25519Field.mul(i1, i2, i1);            // z^(2^5 - 1)
        X25519Field.sqr(i1, 5, i2);
        X25519Field.mul(i2, i1, i1);            // z^(2^10 - 1)
        X25519Field.sqr(i1, 10, i2);
        X25519Field.mul(i2, i1, i2);            // z^(2^20 - 1)
        X25519Field.sqr(i2, 20, i3);
        X25519Field.mul(i3, i2, i2);            // z^(2^40 - 1)
        X25519Field.sqr(i2, 10, i2);
        X25519Field.mul(i2, i1, i1);            // z^(2^50 - 1)
        X25519Field.sqr(i1, 50, i2);
        X25519Field.mul(i2, i1, i2);            // z^(2^100 - 1)
        X25519Field.sqr(i2, 100, i3);
        X25519Field.mul(i3, i2, i2);            // z^(2^200 - 1)
        X25519Field.sqr(i2, 50, i2);
        X25519Field.mul(i2, i1, i1);            // z^(2^250 - 1)
        X25519Field.sqr(i1, 5, i1);             // z^(2^255 - 2^5)
        X25519Field.mul(i1, i0, out);           // z^(2^255 - 21) = z^(p - 2)
    }
}
