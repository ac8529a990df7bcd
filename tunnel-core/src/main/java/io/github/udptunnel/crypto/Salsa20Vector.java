package io.github.udptunnel.crypto;

import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Salsa20 on the Vector API (jdk.incubator.vector): one block per lane, so each of the 16 state words is one
 * {@link IntVector} across the blocks of a batch and the quarter-round becomes lanewise adds, XORs and rotations.
 * The only class that names the incubator module: it is compiled on its own with {@code --add-modules} and loaded
 * reflectively by {@link Salsa20Batches} when the JVM has the module. One instance per {@link Salsa20Core} (it owns
 * scratch); allocates nothing after construction.
 */
final class Salsa20Vector implements Salsa20Batch {

    /** The preferred shape (16 ints with AVX-512, 8 with AVX2); udptunnel.salsa20.bits=128|256|512 forces one. */
    private static final VectorSpecies<Integer> SPECIES = species(Integer.getInteger("udptunnel.salsa20.bits", 0));
    private static final int LANES = SPECIES.length();
    private static final int BATCH_BYTES = LANES * Salsa20Core.BLOCK_SIZE;
    private static final int DOUBLE_ROUNDS = 10;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The batch's key stream, word-major: word w of block b at {@code [w * LANES + b]}. */
    private final int[] keyStream = new int[16 * LANES];
    /** The block counters of a batch, low and high words per lane. */
    private final int[] counterLow = new int[LANES];
    private final int[] counterHigh = new int[LANES];

    @Override
    public int xor(int[] state, byte[] in, int inOff, byte[] out, int outOff, int len) {
        int batches = len / BATCH_BYTES;
        if (batches == 0) {
            return 0;
        }
        IntVector j0 = IntVector.broadcast(SPECIES, state[0]);
        IntVector j1 = IntVector.broadcast(SPECIES, state[1]);
        IntVector j2 = IntVector.broadcast(SPECIES, state[2]);
        IntVector j3 = IntVector.broadcast(SPECIES, state[3]);
        IntVector j4 = IntVector.broadcast(SPECIES, state[4]);
        IntVector j5 = IntVector.broadcast(SPECIES, state[5]);
        IntVector j6 = IntVector.broadcast(SPECIES, state[6]);
        IntVector j7 = IntVector.broadcast(SPECIES, state[7]);
        IntVector j10 = IntVector.broadcast(SPECIES, state[10]);
        IntVector j11 = IntVector.broadcast(SPECIES, state[11]);
        IntVector j12 = IntVector.broadcast(SPECIES, state[12]);
        IntVector j13 = IntVector.broadcast(SPECIES, state[13]);
        IntVector j14 = IntVector.broadcast(SPECIES, state[14]);
        IntVector j15 = IntVector.broadcast(SPECIES, state[15]);
        long counter = (state[8] & 0xFFFFFFFFL) | ((long) state[9] << 32);
        for (int n = 0; n < batches; n++) {
            for (int lane = 0; lane < LANES; lane++) {
                counterLow[lane] = (int) (counter + lane);
                counterHigh[lane] = (int) ((counter + lane) >>> 32);
            }
            IntVector j8 = IntVector.fromArray(SPECIES, counterLow, 0);
            IntVector j9 = IntVector.fromArray(SPECIES, counterHigh, 0);
            IntVector x0 = j0;
            IntVector x1 = j1;
            IntVector x2 = j2;
            IntVector x3 = j3;
            IntVector x4 = j4;
            IntVector x5 = j5;
            IntVector x6 = j6;
            IntVector x7 = j7;
            IntVector x8 = j8;
            IntVector x9 = j9;
            IntVector x10 = j10;
            IntVector x11 = j11;
            IntVector x12 = j12;
            IntVector x13 = j13;
            IntVector x14 = j14;
            IntVector x15 = j15;
            for (int r = 0; r < DOUBLE_ROUNDS; r++) {
                x4 = x4.lanewise(XOR, x0.add(x12).lanewise(ROL, 7));
                x8 = x8.lanewise(XOR, x4.add(x0).lanewise(ROL, 9));
                x12 = x12.lanewise(XOR, x8.add(x4).lanewise(ROL, 13));
                x0 = x0.lanewise(XOR, x12.add(x8).lanewise(ROL, 18));
                x9 = x9.lanewise(XOR, x5.add(x1).lanewise(ROL, 7));
                x13 = x13.lanewise(XOR, x9.add(x5).lanewise(ROL, 9));
                x1 = x1.lanewise(XOR, x13.add(x9).lanewise(ROL, 13));
                x5 = x5.lanewise(XOR, x1.add(x13).lanewise(ROL, 18));
                x14 = x14.lanewise(XOR, x10.add(x6).lanewise(ROL, 7));
                x2 = x2.lanewise(XOR, x14.add(x10).lanewise(ROL, 9));
                x6 = x6.lanewise(XOR, x2.add(x14).lanewise(ROL, 13));
                x10 = x10.lanewise(XOR, x6.add(x2).lanewise(ROL, 18));
                x3 = x3.lanewise(XOR, x15.add(x11).lanewise(ROL, 7));
                x7 = x7.lanewise(XOR, x3.add(x15).lanewise(ROL, 9));
                x11 = x11.lanewise(XOR, x7.add(x3).lanewise(ROL, 13));
                x15 = x15.lanewise(XOR, x11.add(x7).lanewise(ROL, 18));
                x1 = x1.lanewise(XOR, x0.add(x3).lanewise(ROL, 7));
                x2 = x2.lanewise(XOR, x1.add(x0).lanewise(ROL, 9));
                x3 = x3.lanewise(XOR, x2.add(x1).lanewise(ROL, 13));
                x0 = x0.lanewise(XOR, x3.add(x2).lanewise(ROL, 18));
                x6 = x6.lanewise(XOR, x5.add(x4).lanewise(ROL, 7));
                x7 = x7.lanewise(XOR, x6.add(x5).lanewise(ROL, 9));
                x4 = x4.lanewise(XOR, x7.add(x6).lanewise(ROL, 13));
                x5 = x5.lanewise(XOR, x4.add(x7).lanewise(ROL, 18));
                x11 = x11.lanewise(XOR, x10.add(x9).lanewise(ROL, 7));
                x8 = x8.lanewise(XOR, x11.add(x10).lanewise(ROL, 9));
                x9 = x9.lanewise(XOR, x8.add(x11).lanewise(ROL, 13));
                x10 = x10.lanewise(XOR, x9.add(x8).lanewise(ROL, 18));
                x12 = x12.lanewise(XOR, x15.add(x14).lanewise(ROL, 7));
                x13 = x13.lanewise(XOR, x12.add(x15).lanewise(ROL, 9));
                x14 = x14.lanewise(XOR, x13.add(x12).lanewise(ROL, 13));
                x15 = x15.lanewise(XOR, x14.add(x13).lanewise(ROL, 18));
            }
            x0.add(j0).intoArray(keyStream, 0);
            x1.add(j1).intoArray(keyStream, LANES);
            x2.add(j2).intoArray(keyStream, 2 * LANES);
            x3.add(j3).intoArray(keyStream, 3 * LANES);
            x4.add(j4).intoArray(keyStream, 4 * LANES);
            x5.add(j5).intoArray(keyStream, 5 * LANES);
            x6.add(j6).intoArray(keyStream, 6 * LANES);
            x7.add(j7).intoArray(keyStream, 7 * LANES);
            x8.add(j8).intoArray(keyStream, 8 * LANES);
            x9.add(j9).intoArray(keyStream, 9 * LANES);
            x10.add(j10).intoArray(keyStream, 10 * LANES);
            x11.add(j11).intoArray(keyStream, 11 * LANES);
            x12.add(j12).intoArray(keyStream, 12 * LANES);
            x13.add(j13).intoArray(keyStream, 13 * LANES);
            x14.add(j14).intoArray(keyStream, 14 * LANES);
            x15.add(j15).intoArray(keyStream, 15 * LANES);
            xorBatch(in, inOff + n * BATCH_BYTES, out, outOff + n * BATCH_BYTES);
            counter += LANES;
        }
        state[8] = (int) counter;
        state[9] = (int) (counter >>> 32);
        Arrays.fill(keyStream, 0);
        return batches * BATCH_BYTES;
    }

    /** The transposition: block b's words, two at a time, from column b of the word-major key stream. */
    private void xorBatch(byte[] in, int inOff, byte[] out, int outOff) {
        int[] ks = keyStream;
        for (int b = 0; b < LANES; b++) {
            int i = inOff + b * Salsa20Core.BLOCK_SIZE;
            int o = outOff + b * Salsa20Core.BLOCK_SIZE;
            for (int w = 0; w < 16; w += 2) {
                long pair = ((long) ks[(w + 1) * LANES + b] << 32) | (ks[w * LANES + b] & 0xFFFFFFFFL);
                LONG_LE.set(out, o + 4 * w, (long) LONG_LE.get(in, i + 4 * w) ^ pair);
            }
        }
    }

    @Override
    public String toString() {
        return LANES + " lanes";
    }

    private static VectorSpecies<Integer> species(int bits) {
        return bits == 0 ? IntVector.SPECIES_PREFERRED : VectorSpecies.of(int.class, VectorShape.forBitSize(bits));
    }
}
