package io.github.udptunnel.crypto;

/**
 * The Curve25519 public keys of small order, which make every X25519 result all zero. Checking this short list is
 * much cheaper than a scalar multiplication, so a handshake refuses such a key before it spends work on it. The
 * list is libsodium's (with bit 255 ignored, as X25519 ignores it); the agreement's own all-zero check stays as the
 * final word.
 */
final class LowOrderPoints {

    private static final byte[][] POINTS = {
        // 0 (order 4)
        hex("0000000000000000000000000000000000000000000000000000000000000000"),
        // 1 (order 1)
        hex("0100000000000000000000000000000000000000000000000000000000000000"),
        // order 8
        hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        // order 8
        hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        // p - 1 (order 2)
        hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        // p, that is 0 (order 4)
        hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        // p + 1, that is 1 (order 1)
        hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    };

    private LowOrderPoints() {
    }

    /** True when the 32-byte key at {@code off} is of small order. Reads every byte of every entry. */
    static boolean contains(byte[] key, int off) {
        int found = 0;
        for (byte[] point : POINTS) {
            int diff = 0;
            for (int i = 0; i < 31; i++) {
                diff |= (key[off + i] ^ point[i]) & 0xff;
            }
            diff |= (key[off + 31] ^ point[31]) & 0x7f;
            found |= ((diff - 1) >>> 31);
        }
        return found != 0;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
