package io.github.udptunnel.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair. The private key never appears in {@link #toString()}; code that must store it (a key file,
 * a test vector) asks for it by name with {@link #privateKeyBase64()} or {@link #copyPrivateKey}.
 */
public final class KeyPair {

    public static final int PRIVATE_KEY_SIZE = 32;

    private final byte[] privateKey;
    private final PublicKey publicKey;

    private KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        byte[] pub = new byte[PublicKey.SIZE];
        new CryptoBox().publicKey(privateKey, 0, pub, 0);
        this.publicKey = PublicKey.of(pub);
    }

    /** A fresh key pair from {@code random}. */
    public static KeyPair generate(SecureRandom random) {
        byte[] key = new byte[PRIVATE_KEY_SIZE];
        X25519.generatePrivateKey(random, key);
        return new KeyPair(key);
    }

    /** The pair of a 32-byte private key (copied). X25519 clamps the scalar, so any 32 bytes are a key. */
    public static KeyPair fromPrivateKey(byte[] key) {
        if (key.length != PRIVATE_KEY_SIZE) {
            throw new IllegalArgumentException("a private key is " + PRIVATE_KEY_SIZE + " bytes, not " + key.length);
        }
        return new KeyPair(key.clone());
    }

    /** Parses the base64 form of a private key; the exception never echoes the input. */
    public static KeyPair fromPrivateKeyBase64(String text) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a private key is 44 characters of base64; this is not base64");
        }
        try {
            return fromPrivateKey(decoded);
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(privateKey);
    }

    public void copyPrivateKey(byte[] dst, int off) {
        System.arraycopy(privateKey, 0, dst, off, PRIVATE_KEY_SIZE);
    }

    @Override
    public String toString() {
        return "KeyPair[public=" + publicKey.toBase64() + ", private hidden]";
    }
}
