package io.github.udptunnel.crypto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The XSalsa20 key stream of every implementation of {@link Salsa20Core} (the scalar code alone, and with the
 * Vector API batch when the JVM has jdk.incubator.vector) is BouncyCastle's, byte for byte: every length from 0 to
 * 5,000 (every tail after every number of batches), at any offset, in place, continued over several calls, and
 * across the block counter's carry into its high word. Seeded; a failure names its seed.
 */
class Salsa20CoreTest {

    private static final int MAX_LEN = 5000;

    static List<Named<Salsa20Batch>> implementations() {
        List<Named<Salsa20Batch>> all = new ArrayList<>();
        all.add(Named.of("scalar", null));
        Salsa20Batch vector = Salsa20Batches.vectorIfPresent();
        if (vector != null) {
            all.add(Named.of("vector " + vector, vector));
        }
        return all;
    }

    /** The surefire execution that forces the vector path fails here, not silently, if it lost the module. */
    @Test
    void aForcedImplementationIsTheOneSecretBoxUses() {
        String forced = System.getProperty(Salsa20Batches.PROPERTY, "auto");
        if (forced.equals("vector")) {
            assertThat(Salsa20Batches.chosen()).isEqualTo("vector");
            assertThat(implementations()).hasSize(2);
        } else if (forced.equals("scalar")) {
            assertThat(Salsa20Batches.chosen()).isEqualTo("scalar");
        } else {
            boolean hasModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            assertThat(Salsa20Batches.chosen()).isEqualTo(hasModule ? "vector" : "scalar");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void everyLengthAtAnyOffsetMatchesBouncyCastle(Salsa20Batch batch) {
        SplittableRandom random = new SplittableRandom(0x5A15A20L);
        Salsa20Core core = new Salsa20Core(batch);
        for (int len = 0; len <= MAX_LEN; len++) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 24);
            int inOff = random.nextInt(0, 9);
            int outOff = random.nextInt(0, 9);
            byte[] in = bytes(random, inOff + len);
            byte[] out = new byte[outOff + len];

            start(core, key, nonce);
            core.xor(in, inOff, out, outOff, len);

            assertThat(Arrays.copyOfRange(out, outOff, outOff + len))
                .as("length %d, offsets %d and %d", len, inOff, outOff)
                .isEqualTo(bouncyCastle(key, nonce, 0, Arrays.copyOfRange(in, inOff, inOff + len)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void inPlaceAndInSeveralCallsTheStreamContinues(Salsa20Batch batch) {
        SplittableRandom random = new SplittableRandom(0x5A15A21L);
        Salsa20Core core = new Salsa20Core(batch);
        for (int round = 0; round < 300; round++) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 24);
            int len = random.nextInt(0, MAX_LEN + 1);
            byte[] message = bytes(random, len);
            byte[] expected = bouncyCastle(key, nonce, 0, message);

            // Every call but the last takes whole blocks, as SecretBox and KeystreamRandom do.
            byte[] buffer = message.clone();
            start(core, key, nonce);
            int pos = 0;
            while (pos < len) {
                int piece = Math.min(len - pos, random.nextInt(0, 40) * Salsa20Core.BLOCK_SIZE + random.nextInt(0, 2)
                    * random.nextInt(1, Salsa20Core.BLOCK_SIZE));
                if (piece % Salsa20Core.BLOCK_SIZE != 0 && pos + piece < len) {
                    piece -= piece % Salsa20Core.BLOCK_SIZE;
                }
                core.xor(buffer, pos, buffer, pos, piece);
                pos += piece;
            }
            assertThat(buffer).as("round %d, length %d", round, len).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void theCounterCarriesIntoItsHighWord(Salsa20Batch batch) {
        SplittableRandom random = new SplittableRandom(0x5A15A22L);
        Salsa20Core core = new Salsa20Core(batch);
        byte[] key = bytes(random, 32);
        byte[] nonce = bytes(random, 24);
        byte[] message = bytes(random, 64 * 40);
        for (int before = 0; before <= 40; before++) {
            long firstBlock = (1L << 32) - before;
            start(core, key, nonce);
            core.seek(firstBlock);
            byte[] out = new byte[message.length];
            core.xor(message, 0, out, 0, message.length);
            assertThat(out).as("%d blocks before the carry", before)
                .isEqualTo(bouncyCastle(key, nonce, firstBlock * Salsa20Core.BLOCK_SIZE, message));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void nextBlockIsTheKeyStream(Salsa20Batch batch) {
        SplittableRandom random = new SplittableRandom(0x5A15A23L);
        Salsa20Core core = new Salsa20Core(batch);
        byte[] key = bytes(random, 32);
        byte[] nonce = bytes(random, 24);
        start(core, key, nonce);
        byte[] stream = new byte[3 * Salsa20Core.BLOCK_SIZE];
        byte[] block = bytes(random, Salsa20Core.BLOCK_SIZE);
        for (int i = 0; i < 3; i++) {
            core.nextBlock(block);
            System.arraycopy(block, 0, stream, i * Salsa20Core.BLOCK_SIZE, Salsa20Core.BLOCK_SIZE);
        }
        assertThat(stream).isEqualTo(bouncyCastle(key, nonce, 0, new byte[stream.length]));
    }

    /** XSalsa20 as SecretBox runs it: HSalsa20 of the key and nonce[0..16), then Salsa20 with nonce[16..24). */
    private static void start(Salsa20Core core, byte[] key, byte[] nonce) {
        byte[] subkey = new byte[32];
        core.hsalsa20(key, 0, nonce, 0, subkey, 0);
        core.startStream(subkey, 0, nonce, 16);
    }

    private static byte[] bouncyCastle(byte[] key, byte[] nonce, long skipBytes, byte[] message) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        engine.skip(skipBytes);
        byte[] out = new byte[message.length];
        engine.processBytes(message, 0, message.length, out, 0);
        return out;
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
