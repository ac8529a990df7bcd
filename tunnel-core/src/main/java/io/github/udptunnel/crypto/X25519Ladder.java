package io.github.udptunnel.crypto;

/**
 * X25519 (RFC 7748) on our radix-2^51 field ({@link Field25519}), with every field element made once, so a
 * scalar multiplication allocates nothing: a server answering a HELLO flood cannot afford BouncyCastle's
 * allocating {@code X25519}. The Montgomery ladder is RFC 7748's, constant time (conditional swaps by mask, no
 * secret-dependent branches or indexes). Not thread-safe: one per thread.
 */
final class X25519Ladder {

    /** (486662 - 2) / 4, the ladder's curve constant. */
    private static final long A24 = 121665;

    private final byte[] scalar = new byte[32];
    private final long[] x1 = Field25519.create();
    private final long[] x2 = Field25519.create();
    private final long[] z2 = Field25519.create();
    private final long[] x3 = Field25519.create();
    private final long[] z3 = Field25519.create();
    private final long[] a = Field25519.create();
    private final long[] aa = Field25519.create();
    private final long[] b = Field25519.create();
    private final long[] bb = Field25519.create();
    private final long[] e = Field25519.create();
    private final long[] c = Field25519.create();
    private final long[] d = Field25519.create();
    private final long[] da = Field25519.create();
    private final long[] cb = Field25519.create();
    private final long[] t = Field25519.create();
    private final long[] i0 = Field25519.create();
    private final long[] i1 = Field25519.create();
    private final long[] i2 = Field25519.create();
    private final long[] i3 = Field25519.create();
    /** Everything that held values derived from the secret, zeroed after each multiplication. */
    private final long[][] secretState = {x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb, t, i0, i1, i2, i3};

    /**
     * Writes {@code X25519(k, u)} to {@code out[outOff..outOff+32)}; returns false when the result is all zero
     * (u of small order). The scalar is clamped as RFC 7748 requires; bit 255 of u is ignored.
     */
    boolean scalarMult(byte[] k, int kOff, byte[] u, int uOff, byte[] out, int outOff) {
        Field25519.decode(u, uOff, x1);
        ladder(k, kOff);
        return finish(out, outOff);
    }

    private void ladder(byte[] k, int kOff) {
        System.arraycopy(k, kOff, scalar, 0, 32);
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;

        Field25519.one(x2);
        Field25519.zero(z2);
        Field25519.copy(x1, x3);
        Field25519.one(z3);

        long swap = 0;
        for (int bit = 254; bit >= 0; bit--) {
            long kt = (scalar[bit >>> 3] >>> (bit & 7)) & 1;
            swap ^= kt;
            Field25519.cswap(swap, x2, x3);
            Field25519.cswap(swap, z2, z3);
            swap = kt;

            Field25519.add(x2, z2, a);
            Field25519.sqr(a, aa);
            Field25519.sub(x2, z2, b);
            Field25519.sqr(b, bb);
            Field25519.sub(aa, bb, e);
            Field25519.add(x3, z3, c);
            Field25519.sub(x3, z3, d);
            Field25519.mul(d, a, da);
            Field25519.mul(c, b, cb);
            Field25519.add(da, cb, t);
            Field25519.sqr(t, x3);
            Field25519.sub(da, cb, t);
            Field25519.sqr(t, t);
            Field25519.mul(x1, t, z3);
            Field25519.mul(aa, bb, x2);
            Field25519.mulSmall(e, A24, t);
            Field25519.add(aa, t, t);
            Field25519.mul(e, t, z2);
        }
        Field25519.cswap(swap, x2, x3);
        Field25519.cswap(swap, z2, z3);
        java.util.Arrays.fill(scalar, (byte) 0);
    }

    /** out = x2 / z2; false when it is zero. Wipes the ladder's secret-dependent state. */
    private boolean finish(byte[] out, int outOff) {
        Field25519.invert(z2, t, i0, i1, i2, i3);
        Field25519.mul(x2, t, x2);
        Field25519.encode(x2, out, outOff);
        wipe();
        return !ConstantTime.isZero(out, outOff, 32);
    }

    private void wipe() {
        for (long[] v : secretState) {
            Field25519.zero(v);
        }
    }
}
