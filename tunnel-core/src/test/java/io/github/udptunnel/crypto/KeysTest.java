package io.github.udptunnel.crypto;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void publicKeyRoundTripsThroughBase64() {
        PublicKey key = KeyPair.generate(random).publicKey();
        assertThat(key.toBase64()).hasSize(44);
        assertThat(PublicKey.fromBase64(key.toBase64())).isEqualTo(key);
    }

    @Test
    void privateKeyRoundTripsThroughBase64() {
        KeyPair pair = KeyPair.generate(random);
        assertThat(KeyPair.fromPrivateKeyBase64(pair.privateKeyBase64()).publicKey()).isEqualTo(pair.publicKey());
    }

    @Test
    void fingerprintIsWrittenAsSshWritesIt() {
        // SHA-256 of 32 zero bytes is 66687aad...; its unpadded base64 is ZmZ6rc...
        PublicKey zero = PublicKey.of(new byte[32]);
        assertThat(zero.fingerprint()).isEqualTo("SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU");
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        KeyPair pair = KeyPair.generate(random);
        assertThat(pair.toString()).doesNotContain(pair.privateKeyBase64()).contains(pair.publicKey().toBase64());
    }

    @Test
    void badTextSaysWhatIsWrongWithoutEchoingIt() {
        assertThatThrownBy(() -> PublicKey.fromBase64("not*base64"))
            .hasMessageContaining("not base64").hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> PublicKey.fromBase64("AAAA"))
            .hasMessageContaining("decodes to 3");
        assertThatThrownBy(() -> KeyPair.fromPrivateKeyBase64("secret!!"))
            .hasMessageNotContaining("secret");
    }

    @Test
    void everyListedLowOrderPointGivesAnAllZeroSecret() {
        // Independent of our list's check: BouncyCastle's raw scalar multiplication.
        byte[][] points = {
            hex("0000000000000000000000000000000000000000000000000000000000000000"),
            hex("0100000000000000000000000000000000000000000000000000000000000000"),
            hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
            hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        };
        byte[] scalar = new byte[32];
        random.nextBytes(scalar);
        for (byte[] point : points) {
            byte[] out = new byte[32];
            org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(scalar, 0, point, 0, out, 0);
            assertThat(out).containsOnly(0);
            assertThat(LowOrderPoints.contains(point, 0)).isTrue();
            byte[] highBit = point.clone();
            highBit[31] |= (byte) 0x80;
            assertThat(LowOrderPoints.contains(highBit, 0)).as("bit 255 is ignored").isTrue();
            assertThat(new CryptoBox().beforenm(point, 0, scalar, 0, new byte[32], 0)).isFalse();
        }
        assertThat(LowOrderPoints.contains(KeyPair.generate(random).publicKey().toBytes(), 0)).isFalse();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
