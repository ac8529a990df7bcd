package io.github.udptunnel.crypto;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7748's X25519 vectors (sections 5.2 and 6.1) through {@link CryptoBox}, agreement and key generation. */
class X25519Test {

    private final CryptoBox box = new CryptoBox();

    @Test
    void rfc7748Section52Vector1() {
        assertAgreement("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    /** Its u has bit 255 set, which X25519 must ignore. */
    @Test
    void rfc7748Section52Vector2() {
        assertAgreement("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    @Test
    void rfc7748Section52IteratedOnceAndAThousandTimes() {
        byte[] k = new byte[32];
        byte[] u = new byte[32];
        k[0] = 9;
        u[0] = 9;
        byte[] out = new byte[32];
        for (int i = 1; i <= 1000; i++) {
            box.x25519(k, 0, u, 0, out, 0);
            System.arraycopy(k, 0, u, 0, 32);
            System.arraycopy(out, 0, k, 0, 32);
            if (i == 1) {
                assertThat(k).isEqualTo(hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
            }
        }
        assertThat(k).isEqualTo(hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
    }

    @Test
    void rfc7748Section61DiffieHellman() {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = new byte[32];
        byte[] bobPublic = new byte[32];
        box.publicKey(alicePrivate, 0, alicePublic, 0);
        box.publicKey(bobPrivate, 0, bobPublic, 0);
        assertThat(alicePublic).isEqualTo(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        assertThat(bobPublic).isEqualTo(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));

        byte[] shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        assertThat(box.x25519(alicePrivate, 0, bobPublic, 0, ab, 0)).isTrue();
        assertThat(box.x25519(bobPrivate, 0, alicePublic, 0, ba, 0)).isTrue();
        assertThat(ab).isEqualTo(shared);
        assertThat(ba).isEqualTo(shared);
        assertThat(KeyPair.fromPrivateKey(alicePrivate).publicKey().toBytes()).isEqualTo(alicePublic);
    }

    private void assertAgreement(String scalar, String u, String expected) {
        byte[] out = new byte[32];
        assertThat(box.x25519(hex(scalar), 0, hex(u), 0, out, 0)).isTrue();
        assertThat(out).isEqualTo(hex(expected));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
