package io.github.udptunnel.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
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

import io.github.udptunnel.crypto.SecretBox;

/**
 * Seal and open of one packet's data (1088 bytes) with a precomputed key: our {@link SecretBox} beside
 * BouncyCastle's engines used as the library offers them (an XSalsa20Engine and a Poly1305 initialised per
 * message), in one run. Run with {@code -prof gc} for bytes per operation.
 *
 * <p>{@code salsa20} picks SecretBox's Salsa20: each value runs in a JVM of its own (a fork per parameter), started
 * with the Vector API module, where the system property is set before SecretBox is first touched.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SecretBoxBenchmark {

    @Param("1088")
    int size;

    @Param({"scalar", "vector"})
    String salsa20;

    private SecretBox box;
    private byte[] key;
    private byte[] nonce;
    private byte[] message;
    private byte[] sealed;
    private byte[] opened;

    // BouncyCastle as-is
    private final XSalsa20Engine xsalsa = new XSalsa20Engine();
    private final Poly1305 poly = new Poly1305();
    private final byte[] polyKey = new byte[32];

    @Setup
    public void setUp() {
        System.setProperty("udptunnel.salsa20", salsa20);
        box = new SecretBox();
        if (!SecretBox.salsa20Implementation().equals(salsa20)) {
            throw new IllegalStateException("SecretBox runs " + SecretBox.salsa20Implementation() + ", not " + salsa20
                + ": was it touched before this setup, in this JVM?");
        }
        SplittableRandom random = new SplittableRandom(1);
        key = bytes(random, 32);
        nonce = bytes(random, 24);
        message = bytes(random, size);
        sealed = new byte[size + 16];
        opened = new byte[size];
        box.setKey(key, 0);
        box.seal(nonce, 0, message, 0, size, sealed, 0);
        byte[] ours = sealed.clone();
        if (!java.util.Arrays.equals(sealBouncyCastleAsIs(), ours)) {
            throw new IllegalStateException("the two seals disagree: the comparison would be meaningless");
        }
    }

    @Benchmark
    public byte[] seal() {
        box.seal(nonce, 0, message, 0, size, sealed, 0);
        return sealed;
    }

    @Benchmark
    public boolean open() {
        return box.open(nonce, 0, sealed, 0, sealed.length, opened, 0);
    }

    /** What a user of BouncyCastle writes: a cipher initialised per message, whose first 32 bytes key Poly1305. */
    @Benchmark
    public byte[] sealBouncyCastleAsIs() {
        xsalsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        java.util.Arrays.fill(polyKey, (byte) 0);
        xsalsa.processBytes(polyKey, 0, 32, polyKey, 0);
        poly.init(new KeyParameter(polyKey, 0, 32));
        xsalsa.processBytes(message, 0, size, sealed, 16);
        poly.update(sealed, 16, size);
        poly.doFinal(sealed, 0);
        return sealed;
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
