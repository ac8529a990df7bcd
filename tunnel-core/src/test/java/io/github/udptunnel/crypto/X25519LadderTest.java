package io.github.udptunnel.crypto;

import java.util.SplittableRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Our allocation-free ladder agrees with BouncyCastle's X25519 on random scalars and points (seeded). */
class X25519LadderTest {

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

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theBasePointGivesThePublicKey(long seed) {
        byte[] k = new byte[32];
        new SplittableRandom(seed).nextBytes(k);
        byte[] base = new byte[32];
        base[0] = 9;
        byte[] ours = new byte[32];
        new X25519Ladder().scalarMult(k, 0, base, 0, ours, 0);
        byte[] expected = new byte[32];
        CryptoBox.publicKey(k, 0, expected, 0);
        assertThat(ours).isEqualTo(expected);
    }
}
