package io.github.udptunnel.crypto;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Alice and Bob example of D. J. Bernstein, "Cryptography in NaCl" (2009), sections 9 and 10: the one set of
 * crypto_box numbers every implementation is expected to reproduce. Kept in the project so it runs everywhere.
 */
class NaclPaperExampleTest {

    private static final HexFormat HEX = HexFormat.of();

    static final byte[] ALICE_SK = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    static final byte[] ALICE_PK = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    static final byte[] BOB_SK = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    static final byte[] BOB_PK = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    static final byte[] SHARED = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    static final byte[] BEFORENM = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    static final byte[] MESSAGE = HEX.parseHex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
        + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
        + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
        + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
        + "5e0705");
    /** NaCl's crypto_box output without its 16 leading zero bytes: the tag, then the ciphertext. */
    static final byte[] BOX = HEX.parseHex("f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
        + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
        + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
        + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
        + "7973f622a43d14a6599b1f654cb45a74e355a5");

    private final CryptoBox box = new CryptoBox();

    @Test
    void publicKeysFollowFromPrivateKeys() {
        assertThat(KeyPair.fromPrivateKey(ALICE_SK).publicKey().toBytes()).isEqualTo(ALICE_PK);
        assertThat(KeyPair.fromPrivateKey(BOB_SK).publicKey().toBytes()).isEqualTo(BOB_PK);
    }

    @Test
    void bothSidesComputeTheSameSharedSecret() {
        byte[] fromAlice = new byte[32];
        byte[] fromBob = new byte[32];
        assertThat(box.x25519(ALICE_SK, 0, BOB_PK, 0, fromAlice, 0)).isTrue();
        assertThat(box.x25519(BOB_SK, 0, ALICE_PK, 0, fromBob, 0)).isTrue();
        assertThat(fromAlice).isEqualTo(SHARED);
        assertThat(fromBob).isEqualTo(SHARED);
    }

    @Test
    void beforenmIsHsalsa20OfTheSharedSecret() {
        byte[] k = new byte[32];
        assertThat(box.beforenm(BOB_PK, 0, ALICE_SK, 0, k, 0)).isTrue();
        assertThat(k).isEqualTo(BEFORENM);
        byte[] fromBob = new byte[32];
        assertThat(box.beforenm(ALICE_PK, 0, BOB_SK, 0, fromBob, 0)).isTrue();
        assertThat(fromBob).isEqualTo(BEFORENM);
    }

    @Test
    void aliceSealsWhatThePaperPrints() {
        byte[] out = new byte[MESSAGE.length + SecretBox.TAG_SIZE];
        new SecretBox(BEFORENM).seal(NONCE, 0, MESSAGE, 0, MESSAGE.length, out, 0);
        assertThat(out).isEqualTo(BOX);
    }

    @Test
    void bobOpensIt() {
        byte[] out = new byte[MESSAGE.length];
        assertThat(new SecretBox(BEFORENM).open(NONCE, 0, BOX, 0, BOX.length, out, 0)).isTrue();
        assertThat(out).isEqualTo(MESSAGE);
    }
}
