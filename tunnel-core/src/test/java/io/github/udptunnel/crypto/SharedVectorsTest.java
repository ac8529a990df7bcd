package io.github.udptunnel.crypto;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.testing.SharedVectors;

import static io.github.udptunnel.testing.SharedVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads ../shared/vectors (present in CI, absent from a user's clone: then these tests are skipped and say so).
 * Wycheproof X25519, the NaCl paper example as libsodium's tests carry it, and 20 tweetnacl-js box vectors.
 */
class SharedVectorsTest {

    private final CryptoBox box = new CryptoBox();

    @Test
    void wycheproofX25519() {
        JsonNode root = SharedVectors.load("x25519_test.json");
        int valid = 0;
        int refused = 0;
        for (JsonNode group : root.get("testGroups")) {
            for (JsonNode test : group.get("tests")) {
                byte[] out = new byte[32];
                boolean ok = box.x25519(hex(test, "private"), 0, hex(test, "public"), 0, out, 0);
                String id = "tcId " + test.get("tcId").asInt() + " (" + test.get("comment").asText() + ")";
                if (isZeroShared(test)) {
                    assertThat(ok).as(id + " must be refused").isFalse();
                    assertThat(LowOrderPoints.contains(hex(test, "public"), 0))
                        .as(id + " is caught before any scalar multiplication").isTrue();
                    refused++;
                } else {
                    assertThat(ok).as(id).isTrue();
                    assertThat(out).as(id).isEqualTo(hex(test, "shared"));
                    valid++;
                }
            }
        }
        assertThat(refused).isEqualTo(31);
        assertThat(valid + refused).isEqualTo(root.get("numberOfTests").asInt());
    }

    @Test
    void naclPaperExampleAsLibsodiumCarriesIt() {
        JsonNode v = SharedVectors.load("nacl_box_vectors.json");
        checkBox(v, "nacl paper example");
        byte[] out = new byte[32];
        assertThat(box.beforenm(hex(v, "small_order_public_key_rejected_by_libsodium"), 0, hex(v, "alice_sk"), 0,
            out, 0)).isFalse();
    }

    @Test
    void tweetnaclRandomBoxes() {
        JsonNode root = SharedVectors.load("box_random_vectors.json");
        int count = 0;
        for (JsonNode v : root.get("vectors")) {
            checkBox(v, "vector " + v.get("id").asInt() + " (" + v.get("message_len").asInt() + " bytes)");
            count++;
        }
        assertThat(count).isEqualTo(20);
    }

    private void checkBox(JsonNode v, String id) {
        byte[] aliceSk = hex(v, "alice_sk");
        byte[] bobSk = hex(v, "bob_sk");
        byte[] alicePk = hex(v, "alice_pk");
        byte[] bobPk = hex(v, "bob_pk");
        assertThat(KeyPair.fromPrivateKey(aliceSk).publicKey().toBytes()).as(id).isEqualTo(alicePk);
        assertThat(KeyPair.fromPrivateKey(bobSk).publicKey().toBytes()).as(id).isEqualTo(bobPk);

        byte[] shared = new byte[32];
        assertThat(box.x25519(aliceSk, 0, bobPk, 0, shared, 0)).isTrue();
        assertThat(shared).as(id).isEqualTo(hex(v, "x25519_shared_secret"));

        byte[] aliceKey = new byte[32];
        byte[] bobKey = new byte[32];
        assertThat(box.beforenm(bobPk, 0, aliceSk, 0, aliceKey, 0)).isTrue();
        assertThat(box.beforenm(alicePk, 0, bobSk, 0, bobKey, 0)).isTrue();
        assertThat(aliceKey).as(id).isEqualTo(hex(v, "shared_key_beforenm"));
        assertThat(bobKey).as(id).isEqualTo(aliceKey);

        byte[] nonce = hex(v, "nonce");
        byte[] message = hex(v, "message");
        byte[] expected = hex(v, "ciphertext_with_tag");
        byte[] sealed = new byte[message.length + SecretBox.TAG_SIZE];
        new SecretBox(aliceKey).seal(nonce, 0, message, 0, message.length, sealed, 0);
        assertThat(sealed).as(id + " seal").isEqualTo(expected);

        byte[] opened = new byte[message.length];
        assertThat(new SecretBox(bobKey).open(nonce, 0, expected, 0, expected.length, opened, 0)).as(id).isTrue();
        assertThat(opened).as(id + " open").isEqualTo(message);
    }

    private static boolean isZeroShared(JsonNode test) {
        for (JsonNode flag : test.get("flags")) {
            if (flag.asText().equals("ZeroSharedSecret")) {
                return true;
            }
        }
        return false;
    }
}
