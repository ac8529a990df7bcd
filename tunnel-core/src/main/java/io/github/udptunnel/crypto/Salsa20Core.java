package io.github.udptunnel.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Salsa20 core with the two ways NaCl uses it: HSalsa20, which turns a key and 16 bytes into a subkey, and the
 * XSalsa20 key stream. The key stream is XORed straight into the output, a whole message in one call, so that the
 * working state stays in locals (registers) across blocks. Whole batches of blocks may go to a {@link Salsa20Batch}
 * (the Vector API one, see {@link Salsa20Batches}); the rest, and everything when there is none, is computed here.
 * One instance owns its state, so after construction nothing it does allocates. Not thread-safe: one per thread or
 * per connection.
 */
final class Salsa20Core {

    static final int BLOCK_SIZE = 64;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** "expand 32-byte k", little-endian words. */
    private static final int SIGMA0 = 0x61707865;
    private static final int SIGMA1 = 0x3320646e;
    private static final int SIGMA2 = 0x79622d32;
    private static final int SIGMA3 = 0x6b206574;

    private static final int DOUBLE_ROUNDS = 10;

    /** The input words: constants, key, nonce (6, 7) and block counter (8 low, 9 high). */
    private final int[] state = new int[16];
    /** The key-stream words of a final partial block, and HSalsa20's block. */
    private final int[] lastBlock = new int[16];
    private final Salsa20Batch batch;

    /** A core that computes every block itself: for HSalsa20 and single blocks. */
    Salsa20Core() {
        this(null);
    }

    /** A core that hands whole batches to {@code batch}, or computes every block itself when it is null. */
    Salsa20Core(Salsa20Batch batch) {
        this.batch = batch;
    }

    /**
     * HSalsa20: 32-byte key and 16-byte input to a 32-byte subkey. The block function adds its input back at the
     * end, HSalsa20 does not, so the input words are subtracted again.
     */
    void hsalsa20(byte[] key, int keyOff, byte[] in16, int inOff, byte[] out, int outOff) {
        loadKey(key, keyOff);
        for (int i = 0; i < 4; i++) {
            state[6 + i] = readInt(in16, inOff + 4 * i);
        }
        int[] x = lastBlock;
        blocks(null, 0, null, 0, 1, x);
        writeInt(out, outOff, x[0] - SIGMA0);
        writeInt(out, outOff + 4, x[5] - SIGMA1);
        writeInt(out, outOff + 8, x[10] - SIGMA2);
        writeInt(out, outOff + 12, x[15] - SIGMA3);
        for (int i = 0; i < 4; i++) {
            writeInt(out, outOff + 16 + 4 * i, x[6 + i] - readInt(in16, inOff + 4 * i));
        }
        Arrays.fill(x, 0);
    }

    /** Sets up the Salsa20 state for a 32-byte (sub)key and the 8-byte nonce, at block 0. */
    void startStream(byte[] key, int keyOff, byte[] nonce8, int nonceOff) {
        loadKey(key, keyOff);
        state[6] = readInt(nonce8, nonceOff);
        state[7] = readInt(nonce8, nonceOff + 4);
        state[8] = 0;
        state[9] = 0;
    }

    /**
     * Writes the next 64-byte key-stream block into {@code block} and advances the block counter. Computed as words
     * and stored, not XORed into a zero-filled {@code block}: that shorter form gave wrong blocks on JDK 17.0.15 once
     * C2 had compiled it inlined into its callers (the simulator's handshakes failed after warm-up, and passed with
     * -XX:-UseSuperWord or with this method excluded from compilation); it was not reduced further.
     */
    void nextBlock(byte[] block) {
        int[] ks = lastBlock;
        blocks(null, 0, null, 0, 1, ks);
        for (int i = 0; i < 16; i++) {
            writeInt(block, 4 * i, ks[i]);
        }
        Arrays.fill(ks, 0);
    }

    /**
     * XORs the key stream into {@code len} bytes, from {@code in} to {@code out} (the same bytes, or not
     * overlapping). Uses {@code ceil(len / 64)} blocks: a final partial block is used up whole, as NaCl does.
     */
    void xor(byte[] in, int inOff, byte[] out, int outOff, int len) {
        int done = batch == null ? 0 : batch.xor(state, in, inOff, out, outOff, len);
        int rest = len - done;
        int whole = rest / BLOCK_SIZE;
        if (whole > 0) {
            blocks(in, inOff + done, out, outOff + done, whole, null);
            done += whole * BLOCK_SIZE;
        }
        int tail = len - done;
        if (tail > 0) {
            int[] ks = lastBlock;
            blocks(null, 0, null, 0, 1, ks);
            for (int i = 0; i < tail; i++) {
                out[outOff + done + i] = (byte) (in[inOff + done + i] ^ (ks[i >>> 2] >>> ((i & 3) * 8)));
            }
            Arrays.fill(ks, 0);
        }
    }

    /** Moves to block {@code block} of the stream (tests reach the counter's carry into its high word with it). */
    void seek(long block) {
        state[8] = (int) block;
        state[9] = (int) (block >>> 32);
    }

    /** Clears the key material held in the state. */
    void wipe() {
        Arrays.fill(state, 0);
        Arrays.fill(lastBlock, 0);
    }

    /**
     * Computes {@code count} blocks from the state and advances its counter. Each block is XORed into
     * {@code out[outOff..)} from {@code in[inOff..)}, or, when {@code words} is not null (then count is 1),
     * stored there as 16 words. The state lives in locals for the whole run.
     */
    private void blocks(byte[] in, int inOff, byte[] out, int outOff, int count, int[] words) {
        final int j0 = state[0];
        final int j1 = state[1];
        final int j2 = state[2];
        final int j3 = state[3];
        final int j4 = state[4];
        final int j5 = state[5];
        final int j6 = state[6];
        final int j7 = state[7];
        int j8 = state[8];
        int j9 = state[9];
        final int j10 = state[10];
        final int j11 = state[11];
        final int j12 = state[12];
        final int j13 = state[13];
        final int j14 = state[14];
        final int j15 = state[15];
        for (int n = 0; n < count; n++) {
            int x0 = j0;
            int x1 = j1;
            int x2 = j2;
            int x3 = j3;
            int x4 = j4;
            int x5 = j5;
            int x6 = j6;
            int x7 = j7;
            int x8 = j8;
            int x9 = j9;
            int x10 = j10;
            int x11 = j11;
            int x12 = j12;
            int x13 = j13;
            int x14 = j14;
            int x15 = j15;
            for (int r = 0; r < DOUBLE_ROUNDS; r++) {
                x4 ^= Integer.rotateLeft(x0 + x12, 7);
                x8 ^= Integer.rotateLeft(x4 + x0, 9);
                x12 ^= Integer.rotateLeft(x8 + x4, 13);
                x0 ^= Integer.rotateLeft(x12 + x8, 18);
                x9 ^= Integer.rotateLeft(x5 + x1, 7);
                x13 ^= Integer.rotateLeft(x9 + x5, 9);
                x1 ^= Integer.rotateLeft(x13 + x9, 13);
                x5 ^= Integer.rotateLeft(x1 + x13, 18);
                x14 ^= Integer.rotateLeft(x10 + x6, 7);
                x2 ^= Integer.rotateLeft(x14 + x10, 9);
                x6 ^= Integer.rotateLeft(x2 + x14, 13);
                x10 ^= Integer.rotateLeft(x6 + x2, 18);
                x3 ^= Integer.rotateLeft(x15 + x11, 7);
                x7 ^= Integer.rotateLeft(x3 + x15, 9);
                x11 ^= Integer.rotateLeft(x7 + x3, 13);
                x15 ^= Integer.rotateLeft(x11 + x7, 18);
                x1 ^= Integer.rotateLeft(x0 + x3, 7);
                x2 ^= Integer.rotateLeft(x1 + x0, 9);
                x3 ^= Integer.rotateLeft(x2 + x1, 13);
                x0 ^= Integer.rotateLeft(x3 + x2, 18);
                x6 ^= Integer.rotateLeft(x5 + x4, 7);
                x7 ^= Integer.rotateLeft(x6 + x5, 9);
                x4 ^= Integer.rotateLeft(x7 + x6, 13);
                x5 ^= Integer.rotateLeft(x4 + x7, 18);
                x11 ^= Integer.rotateLeft(x10 + x9, 7);
                x8 ^= Integer.rotateLeft(x11 + x10, 9);
                x9 ^= Integer.rotateLeft(x8 + x11, 13);
                x10 ^= Integer.rotateLeft(x9 + x8, 18);
                x12 ^= Integer.rotateLeft(x15 + x14, 7);
                x13 ^= Integer.rotateLeft(x12 + x15, 9);
                x14 ^= Integer.rotateLeft(x13 + x12, 13);
                x15 ^= Integer.rotateLeft(x14 + x13, 18);
            }
            x0 += j0;
            x1 += j1;
            x2 += j2;
            x3 += j3;
            x4 += j4;
            x5 += j5;
            x6 += j6;
            x7 += j7;
            x8 += j8;
            x9 += j9;
            x10 += j10;
            x11 += j11;
            x12 += j12;
            x13 += j13;
            x14 += j14;
            x15 += j15;
            if (words == null) {
                // Two words per access: half the loads and stores of int-sized ones.
                int i = inOff + n * BLOCK_SIZE;
                int o = outOff + n * BLOCK_SIZE;
                LONG_LE.set(out, o, (long) LONG_LE.get(in, i) ^ (((long) x1 << 32) | (x0 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 8, (long) LONG_LE.get(in, i + 8) ^ (((long) x3 << 32) | (x2 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 16, (long) LONG_LE.get(in, i + 16) ^ (((long) x5 << 32) | (x4 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 24, (long) LONG_LE.get(in, i + 24) ^ (((long) x7 << 32) | (x6 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 32, (long) LONG_LE.get(in, i + 32) ^ (((long) x9 << 32) | (x8 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 40, (long) LONG_LE.get(in, i + 40) ^ (((long) x11 << 32) | (x10 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 48, (long) LONG_LE.get(in, i + 48) ^ (((long) x13 << 32) | (x12 & 0xFFFFFFFFL)));
                LONG_LE.set(out, o + 56, (long) LONG_LE.get(in, i + 56) ^ (((long) x15 << 32) | (x14 & 0xFFFFFFFFL)));
            } else {
                words[0] = x0;
                words[1] = x1;
                words[2] = x2;
                words[3] = x3;
                words[4] = x4;
                words[5] = x5;
                words[6] = x6;
                words[7] = x7;
                words[8] = x8;
                words[9] = x9;
                words[10] = x10;
                words[11] = x11;
                words[12] = x12;
                words[13] = x13;
                words[14] = x14;
                words[15] = x15;
            }
            // The counter is public (the block's index), so this branch reveals nothing.
            if (++j8 == 0) {
                j9++;
            }
        }
        state[8] = j8;
        state[9] = j9;
    }

    private void loadKey(byte[] key, int keyOff) {
        state[0] = SIGMA0;
        state[1] = readInt(key, keyOff);
        state[2] = readInt(key, keyOff + 4);
        state[3] = readInt(key, keyOff + 8);
        state[4] = readInt(key, keyOff + 12);
        state[5] = SIGMA1;
        state[10] = SIGMA2;
        state[11] = readInt(key, keyOff + 16);
        state[12] = readInt(key, keyOff + 20);
        state[13] = readInt(key, keyOff + 24);
        state[14] = readInt(key, keyOff + 28);
        state[15] = SIGMA3;
    }

    private static int readInt(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    private static void writeInt(byte[] b, int off, int v) {
        INT_LE.set(b, off, v);
    }
}
