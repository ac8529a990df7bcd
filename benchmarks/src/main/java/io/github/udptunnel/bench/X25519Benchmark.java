package io.github.udptunnel.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.udptunnel.crypto.CryptoBox;

/**
 * X25519 as the handshake uses it: an agreement (beforenm adds one HSalsa20) and a public key from a secret, ours
 * beside BouncyCastle's {@code X25519.calculateAgreement} and {@code X25519.generatePublicKey} in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class X25519Benchmark {

    private final CryptoBox box = new CryptoBox();
    private final byte[] ourSecret = new byte[32];
    private final byte[] theirPublic = new byte[32];
    private final byte[] out = new byte[32];

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2);
        random.nextBytes(ourSecret);
        byte[] theirSecret = new byte[32];
        random.nextBytes(theirSecret);
        box.publicKey(theirSecret, 0, theirPublic, 0);
        CryptoBox.precompute();
        X25519.precompute();
        byte[] ours = new byte[32];
        byte[] theirs = new byte[32];
        box.x25519(ourSecret, 0, theirPublic, 0, ours, 0);
        X25519.calculateAgreement(ourSecret, 0, theirPublic, 0, theirs, 0);
        box.publicKey(ourSecret, 0, out, 0);
        byte[] theirKey = new byte[32];
        X25519.generatePublicKey(ourSecret, 0, theirKey, 0);
        if (!java.util.Arrays.equals(ours, theirs) || !java.util.Arrays.equals(out, theirKey)) {
            throw new IllegalStateException("ours and BouncyCastle's disagree: the comparison would be meaningless");
        }
    }

    @Benchmark
    public boolean agreement() {
        return box.x25519(ourSecret, 0, theirPublic, 0, out, 0);
    }

    @Benchmark
    public boolean beforenm() {
        return box.beforenm(theirPublic, 0, ourSecret, 0, out, 0);
    }

    @Benchmark
    public byte[] publicKey() {
        box.publicKey(ourSecret, 0, out, 0);
        return out;
    }

    @Benchmark
    public boolean agreementBouncyCastle() {
        return X25519.calculateAgreement(ourSecret, 0, theirPublic, 0, out, 0);
    }

    @Benchmark
    public byte[] publicKeyBouncyCastle() {
        X25519.generatePublicKey(ourSecret, 0, out, 0);
        return out;
    }
}
