package io.github.udptunnel.crypto;

import java.math.BigInteger;

/**
 * X25519 key generation, {@code X25519(k, 9)}, by fixed-base multiplication on the twisted Edwards curve that is
 * birationally equivalent to Curve25519 (as ref10's {@code ge_scalarmult_base} and BouncyCastle do): a table of
 * small multiples of the base point turns the 255 ladder steps into 64 additions and 4 doublings, and the result's
 * u = (1 + y) / (1 - y). The scalar is clamped as RFC 7748 requires and read as 64 signed digits in [-8, 8].
 *
 * <p>Constant time: each digit's point is chosen by scanning all eight table entries with masks, and negated by
 * mask; no branch or index depends on the scalar. Allocation-free after construction; the table (32 rows of 8
 * points, 30 KiB) is built once per JVM. Not thread-safe: one per thread, like {@link X25519Ladder}.
 */
final class X25519Base {

    private static final int ROWS = 32;
    private static final int PER_ROW = 8;
    /** An entry is (y + x, y - x, 2 d x y), each five limbs. */
    private static final int ENTRY = 3 * Field25519.LIMBS;
    private static final long[] TABLE = Table.build();

    private final byte[] digits = new byte[64];
    // the sum so far, extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z, xy = T/Z
    private final long[] x = Field25519.create();
    private final long[] y = Field25519.create();
    private final long[] z = Field25519.create();
    private final long[] t = Field25519.create();
    // a sum or a double before its last multiplications ("completed" coordinates: ref10's p1p1)
    private final long[] cx = Field25519.create();
    private final long[] cy = Field25519.create();
    private final long[] cz = Field25519.create();
    private final long[] ct = Field25519.create();
    // the table entry chosen for a digit
    private final long[] ypx = Field25519.create();
    private final long[] ymx = Field25519.create();
    private final long[] xy2d = Field25519.create();
    private final long[] negXy2d = Field25519.create();
    private final long[] zero = Field25519.create();
    private final long[] s0 = Field25519.create();
    private final long[] s1 = Field25519.create();
    private final long[] s2 = Field25519.create();
    private final long[] s3 = Field25519.create();
    private final long[] s4 = Field25519.create();
    private final long[][] secretState = {x, y, z, t, cx, cy, cz, ct, ypx, ymx, xy2d, negXy2d, s0, s1, s2, s3, s4};

    /** Forces the table to be built now, so that the first handshake does not pay for it. */
    static void precompute() {
        // reading the table is enough: class initialization built it
        if (TABLE.length != ROWS * PER_ROW * ENTRY) {
            throw new AssertionError();
        }
    }

    /** Writes the public key of the 32-byte secret {@code k}, X25519(k, 9), to {@code out[outOff..outOff+32)}. */
    void publicKey(byte[] k, int kOff, byte[] out, int outOff) {
        recode(k, kOff);
        Field25519.zero(x);
        Field25519.one(y);
        Field25519.one(z);
        Field25519.zero(t);
        // sum of digit[2i+1] 256^i B, times 16, plus sum of digit[2i] 256^i B
        for (int i = 1; i < 64; i += 2) {
            addEntry(i >>> 1, digits[i]);
        }
        double4();
        for (int i = 0; i < 64; i += 2) {
            addEntry(i >>> 1, digits[i]);
        }
        // u = (1 + y) / (1 - y) = (Z + Y) / (Z - Y)
        Field25519.add(z, y, s0);
        Field25519.sub(z, y, s1);
        Field25519.invert(s1, s2, cx, cy, cz, ct);
        Field25519.mul(s0, s2, s0);
        Field25519.encode(s0, out, outOff);
        wipe();
    }

    /** The clamped scalar as 64 signed radix-16 digits in [-8, 8], least significant first (ref10's recoding). */
    private void recode(byte[] k, int kOff) {
        for (int i = 0; i < 32; i++) {
            int b = k[kOff + i] & 0xff;
            if (i == 0) {
                b &= 248;
            } else if (i == 31) {
                b = (b & 127) | 64;
            }
            digits[2 * i] = (byte) (b & 15);
            digits[2 * i + 1] = (byte) (b >>> 4);
        }
        int carry = 0;
        for (int i = 0; i < 63; i++) {
            int d = digits[i] + carry;
            carry = (d + 8) >> 4;
            digits[i] = (byte) (d - (carry << 4));
        }
        digits[63] += (byte) carry;
    }

    /** Adds digit 16^0 256^row B: the entry |digit| of the row (the neutral point for 0), negated when digit < 0. */
    private void addEntry(int row, int digit) {
        long negative = (digit >>> 31) & 1;
        int abs = digit - ((-(int) negative & digit) << 1);
        Field25519.one(ypx);
        Field25519.one(ymx);
        Field25519.zero(xy2d);
        int base = row * PER_ROW * ENTRY;
        for (int j = 1; j <= PER_ROW; j++) {
            long hit = (((abs ^ j) - 1) >>> 31) & 1;
            int off = base + (j - 1) * ENTRY;
            Field25519.cmov(hit, TABLE, off, ypx);
            Field25519.cmov(hit, TABLE, off + Field25519.LIMBS, ymx);
            Field25519.cmov(hit, TABLE, off + 2 * Field25519.LIMBS, xy2d);
        }
        // -(x, y) = (-x, y): y + x and y - x trade places, 2dxy changes sign
        Field25519.cswap(negative, ypx, ymx);
        Field25519.sub(zero, xy2d, negXy2d);
        Field25519.cmov(negative, negXy2d, xy2d);

        // ref10's ge_madd: (X : Y : Z : T) + (ypx, ymx, xy2d), completed, then back to extended coordinates
        Field25519.add(y, x, s0);
        Field25519.sub(y, x, s1);
        Field25519.mul(s0, ypx, s0);            // A' = (Y + X)(y + x)
        Field25519.mul(s1, ymx, s1);            // B' = (Y - X)(y - x)
        Field25519.mul(xy2d, t, s2);            // C = 2d xy T
        Field25519.add(z, z, s3);               // D = 2Z
        Field25519.carry(s3);
        Field25519.sub(s0, s1, cx);             // E = A' - B'
        Field25519.add(s0, s1, cy);             // H = A' + B'
        Field25519.add(s3, s2, cz);             // G = D + C
        Field25519.sub(s3, s2, ct);             // F = D - C
        completedToExtended();
    }

    /** Four doublings: times 16. */
    private void double4() {
        for (int i = 0; i < 4; i++) {
            // ref10's ge_p2_dbl, on (X : Y : Z)
            Field25519.sqr(x, cx);              // X^2
            Field25519.sqr(y, cz);              // Y^2
            Field25519.sqr(z, ct);
            Field25519.add(ct, ct, ct);         // 2 Z^2
            Field25519.add(x, y, s0);
            Field25519.sqr(s0, s0);             // (X + Y)^2
            Field25519.add(cz, cx, cy);         // Y^2 + X^2
            Field25519.carry(cy);
            Field25519.sub(cz, cx, cz);         // Y^2 - X^2
            Field25519.carry(cz);
            Field25519.sub(s0, cy, cx);         // 2XY
            Field25519.carry(ct);
            Field25519.sub(ct, cz, ct);
            completedToExtended();
        }
    }

    /** ((E : H), (G : F)) to (E F : G H : F G : E H). */
    private void completedToExtended() {
        Field25519.mul(cx, ct, x);
        Field25519.mul(cy, cz, y);
        Field25519.mul(cz, ct, z);
        Field25519.mul(cx, cy, t);
    }

    private void wipe() {
        java.util.Arrays.fill(digits, (byte) 0);
        for (long[] v : secretState) {
            Field25519.zero(v);
        }
    }

    /** The table, computed once with BigInteger in affine coordinates: row i holds j 256^i B for j = 1..8. */
    private static final class Table {

        private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        /** d = -121665 / 121666, the Edwards curve's constant. */
        private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);

        static long[] build() {
            long[] table = new long[ROWS * PER_ROW * ENTRY];
            BigInteger[] row = basePoint();
            for (int i = 0; i < ROWS; i++) {
                BigInteger[] multiple = row;
                for (int j = 0; j < PER_ROW; j++) {
                    int off = (i * PER_ROW + j) * ENTRY;
                    BigInteger px = multiple[0];
                    BigInteger py = multiple[1];
                    Field25519.fromBigInteger(py.add(px).mod(P), table, off);
                    Field25519.fromBigInteger(py.subtract(px).mod(P), table, off + Field25519.LIMBS);
                    Field25519.fromBigInteger(D.shiftLeft(1).multiply(px).multiply(py).mod(P), table,
                        off + 2 * Field25519.LIMBS);
                    multiple = add(multiple, row);
                }
                for (int k = 0; k < 8; k++) {
                    row = add(row, row);
                }
            }
            return table;
        }

        /** B = (x, 4/5); the sign of x does not matter here: u depends on y only, and so does u of k B. */
        private static BigInteger[] basePoint() {
            BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
            BigInteger y2 = y.multiply(y).mod(P);
            BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
            // p = 5 (mod 8): a square root of x2 is x2^((p+3)/8), or that times sqrt(-1) = 2^((p-1)/4)
            BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
            if (!x.multiply(x).mod(P).equals(x2)) {
                x = x.multiply(BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P)).mod(P);
            }
            return new BigInteger[] {x, y};
        }

        /** Affine addition on -x^2 + y^2 = 1 + d x^2 y^2 (complete: it also doubles). */
        private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
            BigInteger x1y2 = p[0].multiply(q[1]);
            BigInteger y1x2 = p[1].multiply(q[0]);
            BigInteger y1y2 = p[1].multiply(q[1]);
            BigInteger x1x2 = p[0].multiply(q[0]);
            BigInteger dxxyy = D.multiply(x1x2).mod(P).multiply(y1y2).mod(P);
            BigInteger x3 = x1y2.add(y1x2).multiply(BigInteger.ONE.add(dxxyy).modInverse(P)).mod(P);
            BigInteger y3 = y1y2.add(x1x2).multiply(BigInteger.ONE.subtract(dxxyy).mod(P).modInverse(P)).mod(P);
            return new BigInteger[] {x3, y3};
        }
    }
}
