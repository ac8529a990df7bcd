package io.github.udptunnel.crypto;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Our Poly1305: RFC 8439's vectors (2.5.2 and appendix A.3), then BouncyCastle's on random keys and splits. */
class Poly1305Test {

    private static final String IETF_TEXT = "Any submission to the IETF intended by the Contributor for publication as"
        + " all or part of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity"
        + " is considered an \"IETF Contribution\". Such statements include oral statements in IETF sessions, as well"
        + " as written and electronic communications made at any time or place, which are addressed to";

    private static final String JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
        + "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, key, message (hex), tag
        "A.3 #1 all zero, 0000000000000000000000000000000000000000000000000000000000000000, "
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000, 00000000000000000000000000000000",
        "A.3 #5 h+p must wrap to 0, 0200000000000000000000000000000000000000000000000000000000000000, "
            + "ffffffffffffffffffffffffffffffff, 03000000000000000000000000000000",
        "A.3 #6 h+s overflows 2^128, 02000000000000000000000000000000ffffffffffffffffffffffffffffffff, "
            + "02000000000000000000000000000000, 03000000000000000000000000000000",
        "A.3 #7 carry into the top limb, 0100000000000000000000000000000000000000000000000000000000000000, "
            + "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000, "
            + "05000000000000000000000000000000",
        "A.3 #8 result exactly p, 0100000000000000000000000000000000000000000000000000000000000000, "
            + "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101, "
            + "00000000000000000000000000000000",
        "A.3 #9 h just below p, 0200000000000000000000000000000000000000000000000000000000000000, "
            + "fdffffffffffffffffffffffffffffff, faffffffffffffffffffffffffffffff",
        "A.3 #10 5*H+L reduction, 0100000000000000040000000000000000000000000000000000000000000000, "
            + "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001"
            + "000000000000000000000000000000, 14000000000000005500000000000000",
        "A.3 #11 5*H+L reduction short, 0100000000000000040000000000000000000000000000000000000000000000, "
            + "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000, "
            + "13000000000000000000000000000000",
    })
    void rfc8439AppendixA3(String name, String key, String message, String tag) {
        assertTag(hex(key), hex(message), hex(tag));
    }

    @Test
    void rfc8439Section252() {
        assertTag(hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
            "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII),
            hex("a8061dc1305136c6c22b8baf0c0127a9"));
    }

    @Test
    void rfc8439AppendixA3TextVectors() {
        byte[] text = IETF_TEXT.getBytes(StandardCharsets.US_ASCII);
        assertThat(text).hasSize(375);
        assertTag(hex("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e"), text,
            hex("36e5f6b5c5e06070f0efca96227a863e"));
        assertTag(hex("36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000"), text,
            hex("f3477e7cd95417af89a6b8794c310cf0"));
        assertTag(hex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"),
            JABBERWOCKY.getBytes(StandardCharsets.US_ASCII), hex("4541669a7eaaee61e708dc7cbcc5eb62"));
    }

    @Test
    void verifyRefusesEveryOneBitChangeOfTheTag() {
        byte[] key = hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        byte[] tag = hex("a8061dc1305136c6c22b8baf0c0127a9");
        Poly1305 mac = new Poly1305();
        mac.init(key, 0);
        mac.update(message, 0, message.length);
        assertThat(mac.verify(tag, 0)).isTrue();
        for (int bit = 0; bit < 128; bit++) {
            byte[] bad = tag.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            mac.init(key, 0);
            mac.update(message, 0, message.length);
            assertThat(mac.verify(bad, 0)).as("bit %d", bit).isFalse();
        }
    }

    static long[] seeds() {
        return Seeds.of(0x1305_0000L, 48);
    }

    /** Random keys (r clamped by both), lengths 0..2000 with every tail length, messages cut at random places. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithBouncyCastleForAnySplit(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Poly1305 ours = new Poly1305();
        org.bouncycastle.crypto.macs.Poly1305 theirs = new org.bouncycastle.crypto.macs.Poly1305();
        for (int round = 0; round < 40; round++) {
            byte[] key = bytes(random, 32);
            if (round == 0) {
                java.util.Arrays.fill(key, (byte) 0xff);  // the largest r and s that clamping allows
            }
            // Each seed covers every tail length 0..15 at least twice; the rest are random lengths up to 2000.
            int len = round < 32 ? 16 * random.nextInt(0, 125) + round % 16 : random.nextInt(0, 2001);
            byte[] message = bytes(random, len);
            if (round % 5 == 1) {
                java.util.Arrays.fill(message, (byte) 0xff);  // the largest limbs every block
            }
            int at = random.nextInt(0, 8);
            byte[] padded = new byte[at + len];
            System.arraycopy(message, 0, padded, at, len);

            ours.init(key, 0);
            int pos = 0;
            while (pos < len) {
                int chunk = random.nextInt(0, Math.min(len - pos, 70) + 1);
                ours.update(padded, at + pos, chunk);
                pos += chunk;
            }
            byte[] tag = new byte[16 + at];
            ours.finish(tag, at);

            theirs.init(new KeyParameter(key));
            theirs.update(message, 0, len);
            byte[] expected = new byte[16];
            theirs.doFinal(expected, 0);
            assertThat(java.util.Arrays.copyOfRange(tag, at, at + 16)).as("round %d, length %d", round, len)
                .isEqualTo(expected);
        }
    }

    private static void assertTag(byte[] key, byte[] message, byte[] tag) {
        Poly1305 mac = new Poly1305();
        mac.init(key, 0);
        mac.update(message, 0, message.length);
        byte[] out = new byte[16];
        mac.finish(out, 0);
        assertThat(out).isEqualTo(tag);
        // byte by byte gives the same tag
        mac.init(key, 0);
        for (int i = 0; i < message.length; i++) {
            mac.update(message, i, 1);
        }
        assertThat(mac.verify(tag, 0)).isTrue();
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
