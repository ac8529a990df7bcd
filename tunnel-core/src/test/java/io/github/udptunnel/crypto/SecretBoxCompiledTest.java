package io.github.udptunnel.crypto;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SecretBox} and {@link KeystreamRandom} give BouncyCastle's bytes after the JIT has compiled them, not only on
 * their first calls: enough seals, opens and random blocks, in place in a packet-shaped buffer as the engine makes
 * them, for C2 to compile every path with what it inlines. Vector tests run a few calls each, mostly interpreted.
 * (A Salsa20 that went wrong only once compiled in the engine's own call sites, see {@code Salsa20Core.nextBlock},
 * was not caught here: the whole suite is the wider net.) Seeded; a failure names its seed and call.
 */
class SecretBoxCompiledTest {

    private static final int CALLS = 200_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0x5EC7B0L})
    void sealAndOpenMatchBouncyCastleOnceCompiled(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SecretBox box = new SecretBox();
        byte[] key = new byte[SecretBox.KEY_SIZE];
        byte[] nonce = new byte[24];
        byte[] packet = new byte[1300];
        for (int call = 0; call < CALLS; call++) {
            random.nextBytes(key);
            random.nextBytes(nonce);
            int len = random.nextInt(0, call % 64 == 0 ? 1200 : 160);
            int box0 = random.nextInt(0, 40);
            byte[] message = new byte[len];
            random.nextBytes(message);
            System.arraycopy(message, 0, packet, box0 + 16, len);

            box.setKey(key, 0);
            box.seal(nonce, 0, packet, box0 + 16, len, packet, box0);
            byte[] expected = referenceSeal(key, nonce, message);
            assertThat(Arrays.copyOfRange(packet, box0, box0 + 16 + len))
                .as("seed %d, call %d, length %d: seal", seed, call, len).isEqualTo(expected);

            assertThat(box.open(nonce, 0, packet, box0, len + 16, packet, box0 + 16))
                .as("seed %d, call %d, length %d: open", seed, call, len).isTrue();
            assertThat(Arrays.copyOfRange(packet, box0 + 16, box0 + 16 + len))
                .as("seed %d, call %d, length %d: opened", seed, call, len).isEqualTo(message);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0x5EC7B1L})
    void keystreamRandomIsTheSalsa20StreamOnceCompiled(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        KeystreamRandom ours = KeystreamRandom.seeded(seed);
        byte[] key = new byte[32];
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (seed >>> (8 * i));
        }
        Salsa20Engine reference = new Salsa20Engine();
        reference.init(true, new ParametersWithIV(new KeyParameter(key), new byte[8]));
        byte[] got = new byte[100];
        byte[] expected = new byte[100];
        byte[] zeros = new byte[100];
        for (int call = 0; call < CALLS * 5; call++) {
            if (random.nextInt(4) == 0) {
                reference.processBytes(zeros, 0, 8, expected, 0);
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (expected[i] & 0xff);
                }
                assertThat(ours.nextLong()).as("seed %d, call %d: nextLong", seed, call).isEqualTo(v);
            } else {
                int len = random.nextInt(1, 100);
                int off = random.nextInt(0, 100 - len + 1);
                ours.nextBytes(got, off, len);
                reference.processBytes(zeros, 0, len, expected, 0);
                assertThat(Arrays.copyOfRange(got, off, off + len)).as("seed %d, call %d: nextBytes", seed, call)
                    .isEqualTo(Arrays.copyOf(expected, len));
            }
        }
    }

    /** NaCl's crypto_secretbox from BouncyCastle's XSalsa20 and Poly1305: the tag, then the ciphertext. */
    private static byte[] referenceSeal(byte[] key, byte[] nonce, byte[] message) {
        XSalsa20Engine salsa = new XSalsa20Engine();
        salsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] polyKey = new byte[32];
        salsa.processBytes(new byte[32], 0, 32, polyKey, 0);
        byte[] out = new byte[16 + message.length];
        salsa.processBytes(message, 0, message.length, out, 16);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        mac.update(out, 16, message.length);
        mac.doFinal(out, 0);
        return out;
    }
}
