package io.github.udptunnel.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.bouncycastle.crypto.engines.Salsa20Engine;

/**
 * The Salsa20 core (BouncyCastle's {@link Salsa20Engine#salsaCore}) with the two ways NaCl uses it: HSalsa20,
 * which turns a key and 16 bytes into a subkey, and the XSalsa20 key stream. One instance owns its scratch state,
 * so after construction nothing it does allocates. Not thread-safe: one per thread or per connection.
 */
final class Salsa20Core {

    static final int BLOCK_SIZE = 64;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** "expand 32-byte k", little-endian words. */
    private static final int SIGMA0 = 0x61707865;
    private static final int SIGMA1 = 0x3320646e;
    private static final int SIGMA2 = 0x79622d32;
    private static final int SIGMA3 = 0x6b206574;

    private static final int ROUNDS = 20;

    private final int[] input = new int[16];
    private final int[] output = new int[16];

    /**
     * HSalsa20: 32-byte key and 16-byte input to a 32-byte subkey. The core adds its input back at the end,
     * HSalsa20 does not, so the input words are subtracted again.
     */
    void hsalsa20(byte[] key, int keyOff, byte[] in16, int inOff, byte[] out, int outOff) {
        loadKey(key, keyOff);
        input[6] = readInt(in16, inOff);
        input[7] = readInt(in16, inOff + 4);
        input[8] = readInt(in16, inOff + 8);
        input[9] = readInt(in16, inOff + 12);
        Salsa20Engine.salsaCore(ROUNDS, input, output);
        writeInt(out, outOff, output[0] - input[0]);
        writeInt(out, outOff + 4, output[5] - input[5]);
        writeInt(out, outOff + 8, output[10] - input[10]);
        writeInt(out, outOff + 12, output[15] - input[15]);
        writeInt(out, outOff + 16, output[6] - input[6]);
        writeInt(out, outOff + 20, output[7] - input[7]);
        writeInt(out, outOff + 24, output[8] - input[8]);
        writeInt(out, outOff + 28, output[9] - input[9]);
    }

    /** Sets up the Salsa20 state for a 32-byte (sub)key and the 8-byte nonce, at block 0. */
    void startStream(byte[] key, int keyOff, byte[] nonce8, int nonceOff) {
        loadKey(key, keyOff);
        input[6] = readInt(nonce8, nonceOff);
        input[7] = readInt(nonce8, nonceOff + 4);
        input[8] = 0;
        input[9] = 0;
    }

    /** Writes the next 64-byte key-stream block into {@code block} and advances the block counter. */
    void nextBlock(byte[] block) {
        Salsa20Engine.salsaCore(ROUNDS, input, output);
        for (int i = 0; i < 16; i++) {
            writeInt(block, i * 4, output[i]);
        }
        advance();
    }

    /** XORs the next key-stream block into {@code len <= 64} bytes, from {@code in} to {@code out}. */
    void xorNextBlock(byte[] in, int inOff, byte[] out, int outOff, int len) {
        Salsa20Engine.salsaCore(ROUNDS, input, output);
        advance();
        if (len == BLOCK_SIZE) {
            for (int i = 0; i < 16; i++) {
                writeInt(out, outOff + i * 4, readInt(in, inOff + i * 4) ^ output[i]);
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            out[outOff + i] = (byte) (in[inOff + i] ^ (output[i >>> 2] >>> ((i & 3) * 8)));
        }
    }

    /** Clears the key material held in the state. */
    void wipe() {
        java.util.Arrays.fill(input, 0);
        java.util.Arrays.fill(output, 0);
    }

    private void advance() {
        if (++input[8] == 0) {
            input[9]++;
        }
    }

    private void loadKey(byte[] key, int keyOff) {
        input[0] = SIGMA0;
        input[1] = readInt(key, keyOff);
        input[2] = readInt(key, keyOff + 4);
        input[3] = readInt(key, keyOff + 8);
        input[4] = readInt(key, keyOff + 12);
        input[5] = SIGMA1;
        input[10] = SIGMA2;
        input[11] = readInt(key, keyOff + 16);
        input[12] = readInt(key, keyOff + 20);
        input[13] = readInt(key, keyOff + 24);
        input[14] = readInt(key, keyOff + 28);
        input[15] = SIGMA3;
    }

    private static int readInt(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    private static void writeInt(byte[] b, int off, int v) {
        INT_LE.set(b, off, v);
    }
}
