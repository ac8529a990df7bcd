package io.github.udptunnel.crypto;

/**
 * NaCl's crypto_secretbox (XSalsa20-Poly1305) with a key set in advance, byte-exact with NaCl and libsodium.
 * A sealed box is the 16-byte Poly1305 tag followed by the ciphertext (libsodium's "easy" layout).
 *
 * <p>After construction, {@link #seal} and {@link #open} allocate nothing: the key stream, the one-time Poly1305
 * key and the MAC state live in fields. The tag is checked in constant time and a box that fails the check writes no
 * plaintext. Not thread-safe: each connection (or thread) owns its instance.
 *
 * <p>Buffers may be the same array when the plaintext sits right after the tag's place, that is
 * {@code in == out && inOff == outOff + TAG_SIZE} for seal and {@code outOff == inOff + TAG_SIZE} for open
 * (encryption in place inside a packet buffer); otherwise input and output must not overlap.
 */
public final class SecretBox {

    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 24;
    public static final int TAG_SIZE = 16;

    /** The first block's first 32 bytes key Poly1305; its other 32 encrypt the start of the message. */
    private static final int POLY_KEY_SIZE = 32;

    private final Salsa20Core core;
    private final byte[] key = new byte[KEY_SIZE];
    private final byte[] subkey = new byte[KEY_SIZE];
    private final byte[] firstBlock = new byte[Salsa20Core.BLOCK_SIZE];
    private final Poly1305 poly1305 = new Poly1305();

    /** A box with an all-zero key; call {@link #setKey} before use. */
    public SecretBox() {
        this(Salsa20Batches.create());
    }

    public SecretBox(byte[] key) {
        this();
        setKey(key, 0);
    }

    /** A box whose Salsa20 uses {@code batch} (null: the scalar code only), for comparing implementations. */
    SecretBox(Salsa20Batch batch) {
        core = new Salsa20Core(batch);
    }

    public void setKey(byte[] newKey, int off) {
        System.arraycopy(newKey, off, key, 0, KEY_SIZE);
    }

    /** Copies the key to {@code out[off..off+32)}, for a caller that keeps it more compactly than a whole box. */
    public void copyKey(byte[] out, int off) {
        System.arraycopy(key, 0, out, off, KEY_SIZE);
    }

    /**
     * Seals {@code len} bytes of {@code in}: writes the tag to {@code out[outOff..outOff+16)} and the ciphertext
     * after it, {@code len + 16} bytes in all.
     */
    public void seal(byte[] nonce, int nonceOff, byte[] in, int inOff, int len, byte[] out, int outOff) {
        startStream(nonce, nonceOff);
        xorStream(in, inOff, out, outOff + TAG_SIZE, len);
        poly1305.update(out, outOff + TAG_SIZE, len);
        poly1305.finish(out, outOff);
    }

    /**
     * Opens a box of {@code boxLen} bytes (tag and ciphertext) and writes {@code boxLen - 16} bytes of plaintext to
     * {@code out}. Returns false, writing nothing, when the box is shorter than a tag or does not authenticate.
     */
    public boolean open(byte[] nonce, int nonceOff, byte[] in, int inOff, int boxLen, byte[] out, int outOff) {
        if (boxLen < TAG_SIZE) {
            return false;
        }
        int len = boxLen - TAG_SIZE;
        startStream(nonce, nonceOff);
        poly1305.update(in, inOff + TAG_SIZE, len);
        if (!poly1305.verify(in, inOff)) {
            return false;
        }
        xorStream(in, inOff + TAG_SIZE, out, outOff, len);
        return true;
    }

    /**
     * How this JVM computes the Salsa20 of every box, chosen once: "vector" (the Vector API, when the JVM was started
     * with {@code --add-modules jdk.incubator.vector}) or "scalar"; {@code -Dudptunnel.salsa20=scalar|vector} forces
     * one. For logs and benchmarks: both give the same bytes.
     */
    public static String salsa20Implementation() {
        return Salsa20Batches.chosen();
    }

    /** Zeroes the key and every buffer that held key material. */
    public void wipe() {
        java.util.Arrays.fill(key, (byte) 0);
        java.util.Arrays.fill(subkey, (byte) 0);
        java.util.Arrays.fill(firstBlock, (byte) 0);
        poly1305.wipe();
        core.wipe();
    }

    @Override
    public String toString() {
        return "SecretBox[key hidden]";
    }

    /** XSalsa20: HSalsa20 of the key and nonce[0..16) gives the Salsa20 key; nonce[16..24) is its nonce. */
    private void startStream(byte[] nonce, int nonceOff) {
        core.hsalsa20(key, 0, nonce, nonceOff, subkey, 0);
        core.startStream(subkey, 0, nonce, nonceOff + 16);
        core.nextBlock(firstBlock);
        poly1305.init(firstBlock, 0);
    }

    private void xorStream(byte[] in, int inOff, byte[] out, int outOff, int len) {
        int head = Math.min(len, Salsa20Core.BLOCK_SIZE - POLY_KEY_SIZE);
        for (int i = 0; i < head; i++) {
            out[outOff + i] = (byte) (in[inOff + i] ^ firstBlock[POLY_KEY_SIZE + i]);
        }
        core.xor(in, inOff + head, out, outOff + head, len - head);
    }
}
