package io.github.udptunnel.crypto;

import java.security.SecureRandom;

/**
 * A fast random byte source for per-packet needs (connection keys, COOKIE nonces): the Salsa20 key stream of a
 * 32-byte seed. Seeded from {@link SecureRandom} in production, it is a CSPRNG that allocates nothing per call;
 * seeded with fixed bytes, it makes the simulator's runs reproducible. Not thread-safe.
 */
public final class KeystreamRandom {

    private static final byte[] ZERO_NONCE = new byte[8];

    private final Salsa20Core core = new Salsa20Core();
    private final byte[] block = new byte[Salsa20Core.BLOCK_SIZE];
    private int used = Salsa20Core.BLOCK_SIZE;

    private KeystreamRandom(byte[] seed) {
        core.startStream(seed, 0, ZERO_NONCE, 0);
    }

    /** A generator seeded with 32 bytes from {@code random}. */
    public static KeystreamRandom from(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        KeystreamRandom r = new KeystreamRandom(seed);
        java.util.Arrays.fill(seed, (byte) 0);
        return r;
    }

    /** A reproducible generator for tests and the simulator: the same seed gives the same bytes. */
    public static KeystreamRandom seeded(long seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (seed >>> (8 * i));
        }
        return new KeystreamRandom(key);
    }

    public void nextBytes(byte[] out, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (used == Salsa20Core.BLOCK_SIZE) {
                core.nextBlock(block);
                used = 0;
            }
            out[off + i] = block[used];
            block[used++] = 0;  // a byte handed out is erased, so a later state leak does not reveal it
        }
    }

    /** A uniformly random long. */
    public long nextLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (used == Salsa20Core.BLOCK_SIZE) {
                core.nextBlock(block);
                used = 0;
            }
            v = (v << 8) | (block[used] & 0xff);
            block[used++] = 0;
        }
        return v;
    }
}
