package io.github.udptunnel.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A 32-byte X25519 public key. Its text form is standard base64 (44 characters), as WireGuard writes keys; its
 * {@link #fingerprint()} is what a person compares, written as SSH writes them: {@code SHA256:} and the unpadded
 * base64 of the key's SHA-256.
 */
public final class PublicKey {

    public static final int SIZE = 32;

    private final byte[] bytes;

    private PublicKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The key from 32 bytes at {@code off} (copied). */
    public static PublicKey of(byte[] key, int off) {
        if (key.length - off < SIZE || off < 0) {
            throw new IllegalArgumentException("a public key is " + SIZE + " bytes");
        }
        return new PublicKey(Arrays.copyOfRange(key, off, off + SIZE));
    }

    public static PublicKey of(byte[] key) {
        if (key.length != SIZE) {
            throw new IllegalArgumentException("a public key is " + SIZE + " bytes, not " + key.length);
        }
        return of(key, 0);
    }

    /** Parses the base64 form; the message of the exception says what is wrong, never echoing the input. */
    public static PublicKey fromBase64(String text) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a public key is 44 characters of base64; this is not base64", e);
        }
        if (decoded.length != SIZE) {
            throw new IllegalArgumentException(
                "a public key is " + SIZE + " bytes (44 base64 characters); this decodes to " + decoded.length);
        }
        return new PublicKey(decoded);
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code SHA256:} followed by the unpadded base64 of the key's SHA-256, as {@code ssh-keygen -l} shows. */
    public String fingerprint() {
        return fingerprint(bytes);
    }

    static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes to {@code dst[off..off+32)}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, SIZE);
    }

    /** True when the 32 bytes at {@code off} are this key; constant time. */
    public boolean matches(byte[] other, int off) {
        return ConstantTime.equals(bytes, 0, other, off, SIZE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey && MessageDigest.isEqual(bytes, ((PublicKey) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toBase64();
    }
}
