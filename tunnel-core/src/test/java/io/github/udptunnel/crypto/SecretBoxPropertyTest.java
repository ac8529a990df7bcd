package io.github.udptunnel.crypto;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeded properties of {@link SecretBox}; a failure names its seed. */
class SecretBoxPropertyTest {

    static long[] seeds() {
        return Seeds.of(0x5EED_0000L, 64);
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void openUndoesSealForAnyLength(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SecretBox box = new SecretBox(bytes(random, 32));
        for (int round = 0; round < 20; round++) {
            int len = random.nextInt(0, 1201);
            byte[] nonce = bytes(random, 24);
            byte[] message = bytes(random, len);
            byte[] sealed = new byte[len + 16];
            box.seal(nonce, 0, message, 0, len, sealed, 0);
            byte[] opened = new byte[len];
            assertThat(box.open(nonce, 0, sealed, 0, sealed.length, opened, 0)).as("length %d", len).isTrue();
            assertThat(opened).as("length %d", len).isEqualTo(message);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyFlippedBitMakesOpenFailAndWritesNothing(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SecretBox box = new SecretBox(bytes(random, 32));
        int len = random.nextInt(0, 1201);
        byte[] nonce = bytes(random, 24);
        byte[] message = bytes(random, len);
        byte[] sealed = new byte[len + 16];
        box.seal(nonce, 0, message, 0, len, sealed, 0);

        for (int round = 0; round < 30; round++) {
            byte[] badBox = sealed.clone();
            byte[] badNonce = nonce.clone();
            String where;
            int target = random.nextInt(3);
            if (target == 0) {
                where = "tag";
                flipBit(random, badBox, 0, 16);
            } else if (target == 1 && len > 0) {
                where = "ciphertext";
                flipBit(random, badBox, 16, len);
            } else {
                where = "nonce";
                flipBit(random, badNonce, 0, 24);
            }
            byte[] out = new byte[len];
            Arrays.fill(out, (byte) 0x5a);
            assertThat(box.open(badNonce, 0, badBox, 0, badBox.length, out, 0)).as("bit flipped in " + where).isFalse();
            assertThat(out).as("no plaintext after a failed open").containsOnly(len == 0 ? new byte[0] : new byte[] {0x5a});
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sealsAndOpensInPlaceInsideAPacketBuffer(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SecretBox box = new SecretBox(bytes(random, 32));
        int len = random.nextInt(0, 1201);
        int at = random.nextInt(0, 64);
        byte[] nonce = bytes(random, 24);
        byte[] message = bytes(random, len);

        byte[] separate = new byte[len + 16];
        box.seal(nonce, 0, message, 0, len, separate, 0);

        byte[] packet = new byte[at + 16 + len];
        System.arraycopy(message, 0, packet, at + 16, len);
        box.seal(nonce, 0, packet, at + 16, len, packet, at);
        assertThat(Arrays.copyOfRange(packet, at, at + 16 + len)).isEqualTo(separate);

        assertThat(box.open(nonce, 0, packet, at, 16 + len, packet, at + 16)).isTrue();
        assertThat(Arrays.copyOfRange(packet, at + 16, at + 16 + len)).isEqualTo(message);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aBoxShorterThanATagIsRefused(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SecretBox box = new SecretBox(bytes(random, 32));
        byte[] garbage = bytes(random, 15);
        assertThat(box.open(bytes(random, 24), 0, garbage, 0, random.nextInt(16), new byte[0], 0)).isFalse();
    }

    private static void flipBit(SplittableRandom random, byte[] b, int off, int len) {
        int bit = random.nextInt(len * 8);
        b[off + bit / 8] ^= (byte) (1 << (bit % 8));
    }
}
