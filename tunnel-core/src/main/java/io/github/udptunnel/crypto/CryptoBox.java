package io.github.udptunnel.crypto;

/**
 * NaCl's crypto_box built from our X25519 (radix-2^51 field arithmetic: {@link X25519Ladder} for agreements,
 * {@link X25519Base} for key generation) and our HSalsa20: {@link #beforenm} turns a public and a private key into
 * the 32-byte key that {@link SecretBox} uses; sealing and opening are then secretbox. After construction nothing
 * here allocates: not an agreement, not a key generation.
 *
 * <p>Keys of small order are refused: checked against the known list before any scalar multiplication, and the
 * agreement itself refuses an all-zero result. Not thread-safe: it owns scratch buffers.
 */
public final class CryptoBox {

    public static final int KEY_SIZE = 32;

    private static final byte[] ZERO_16 = new byte[16];

    private final Salsa20Core core = new Salsa20Core();
    private final X25519Ladder ladder = new X25519Ladder();
    private final X25519Base base = new X25519Base();
    private final byte[] shared = new byte[KEY_SIZE];

    /** True when {@code key} is one of the small-order public keys every agreement with gives all zero. */
    public static boolean isSmallOrder(byte[] key, int off) {
        return LowOrderPoints.contains(key, off);
    }

    /** Builds the key generation's table of base-point multiples now, so the first handshake does not pay for it. */
    public static void precompute() {
        X25519Base.precompute();
    }

    /**
     * X25519: writes the 32-byte shared secret to {@code out}. Returns false, and leaves {@code out} all zero,
     * when {@code theirPublic} is of small order (the result would be all zero).
     */
    public boolean x25519(byte[] ourPrivate, int privOff, byte[] theirPublic, int pubOff, byte[] out, int outOff) {
        if (LowOrderPoints.contains(theirPublic, pubOff)) {
            java.util.Arrays.fill(out, outOff, outOff + KEY_SIZE, (byte) 0);
            return false;
        }
        return ladder.scalarMult(ourPrivate, privOff, theirPublic, pubOff, out, outOff);
    }

    /**
     * crypto_box_beforenm: HSalsa20 of the X25519 shared secret, the key for {@link SecretBox}. Returns false, and
     * writes nothing, when {@code theirPublic} is of small order.
     */
    public boolean beforenm(byte[] theirPublic, int pubOff, byte[] ourPrivate, int privOff, byte[] out, int outOff) {
        boolean ok = x25519(ourPrivate, privOff, theirPublic, pubOff, shared, 0);
        if (ok) {
            core.hsalsa20(shared, 0, ZERO_16, 0, out, outOff);
        }
        java.util.Arrays.fill(shared, (byte) 0);
        return ok;
    }

    /** Writes the public key of a 32-byte private key (clamped as X25519 requires) to {@code out}. */
    public void publicKey(byte[] privateKey, int privOff, byte[] out, int outOff) {
        base.publicKey(privateKey, privOff, out, outOff);
    }
}
