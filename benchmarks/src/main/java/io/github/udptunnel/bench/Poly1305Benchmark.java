package io.github.udptunnel.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.udptunnel.crypto.Poly1305;

/**
 * Poly1305 of one packet's data (1088 bytes): ours (2x64-bit limbs) beside BouncyCastle's (26-bit limbs), each
 * keyed once per message as SecretBox keys it, in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class Poly1305Benchmark {

    @Param("1088")
    int size;

    private final Poly1305 ours = new Poly1305();
    private final org.bouncycastle.crypto.macs.Poly1305 theirs = new org.bouncycastle.crypto.macs.Poly1305();
    private final byte[] key = new byte[32];
    // BouncyCastle's KeyParameter keeps this array, so the key is set once, as SecretBox did before
    private KeyParameter theirKey;
    private byte[] message;
    private final byte[] tag = new byte[16];

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(3);
        random.nextBytes(key);
        message = new byte[size];
        random.nextBytes(message);
        theirKey = new KeyParameter(key);
        byte[] a = mac().clone();
        byte[] b = macBouncyCastle().clone();
        if (!java.util.Arrays.equals(a, b)) {
            throw new IllegalStateException("the two tags disagree: the comparison would be meaningless");
        }
    }

    @Benchmark
    public byte[] mac() {
        ours.init(key, 0);
        ours.update(message, 0, size);
        ours.finish(tag, 0);
        return tag;
    }

    @Benchmark
    public byte[] macBouncyCastle() {
        theirs.init(theirKey);
        theirs.update(message, 0, size);
        theirs.doFinal(tag, 0);
        return tag;
    }
}
