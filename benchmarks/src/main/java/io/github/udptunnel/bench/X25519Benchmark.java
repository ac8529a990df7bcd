package io.github.udptunnel.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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

/** X25519 as the handshake uses it: an agreement (beforenm adds one HSalsa20) and a public key from a secret. */
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
}
