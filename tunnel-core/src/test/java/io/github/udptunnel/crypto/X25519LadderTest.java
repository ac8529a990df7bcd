package io.github.udptunnel.crypto;

import java.util.SplittableRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our allocation-free ladder agrees with BouncyCastle's X25519 on random scalars and points (seeded): u with bit
 * 255 set or not, on the curve or its twist, and non-canonical u (p to 2^255 - 1), which RFC 7748 says to take
 * modulo p after masking bit 255.
 */
class X25519LadderTest {

    private static final byte[] EDGE_SCALARS = {0, (byte) 0xff, (byte) 0x88, 0x77};

    static long[] seeds() {
        return Seeds.of(0x25519_000L, 32);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithBouncyCastle(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        X25519Ladder ladder = new X25519Ladder();
        for (int i = 0; i < 8; i++) {
            byte[] k = new byte[32];
            byte[] u = new byte[32];
            random.nextBytes(k);
            random.nextBytes(u);  // any 32 bytes: on the curve or its twist, high bit set or not
            byte[] ours = new byte[32];
            byte[] theirs = new byte[32];
            boolean nonZero = ladder.scalarMult(k, 0, u, 0, ours, 0);
            X25519.scalarMult(k, 0, u, 0, theirs, 0);
            assertThat(ours).isEqualTo(theirs);
            assertThat(nonZero).isEqualTo(!ConstantTime.isZero(theirs, 0, 32));
        }
    }

    /** u = p + r for r in 0..18 (2^255 - 19 up to 2^255 - 1), bit 255 set at random: as BouncyCastle reads it. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nonCanonicalPointsAreTakenModuloP(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        X25519Ladder ladder = new X25519Ladder();
        for (int r = 0; r < 19; r++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            byte[] u = new byte[32];
            java.util.Arrays.fill(u, (byte) 0xff);
            u[0] = (byte) (0xed + r);
            u[31] = (byte) (random.nextBoolean() ? 0xff : 0x7f);
            byte[] ours = new byte[32];
            byte[] theirs = new byte[32];
            boolean nonZero = ladder.scalarMult(k, 0, u, 0, ours, 0);
            X25519.scalarMult(k, 0, u, 0, theirs, 0);
            assertThat(ours).as("u = p + %d", r).isEqualTo(theirs);
            assertThat(nonZero).isEqualTo(!ConstantTime.isZero(theirs, 0, 32));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fixedBaseKeyGenerationAgreesWithTheLadderAndBouncyCastle(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        X25519Ladder ladder = new X25519Ladder();
        X25519Base fixedBase = new X25519Base();
        for (int i = 0; i < 8; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            if (i < EDGE_SCALARS.length) {
                java.util.Arrays.fill(k, EDGE_SCALARS[i]);  // digits all 0, all -1 with carries, all -8, all 7
            }
            byte[] base = new byte[32];
            base[0] = 9;
            byte[] viaLadder = new byte[32];
            ladder.scalarMult(k, 0, base, 0, viaLadder, 0);
            byte[] viaBase = new byte[32];
            fixedBase.publicKey(k, 0, viaBase, 0);
            byte[] expected = new byte[32];
            X25519.generatePublicKey(k, 0, expected, 0);
            assertThat(viaLadder).isEqualTo(expected);
            assertThat(viaBase).isEqualTo(expected);
        }
    }
}
