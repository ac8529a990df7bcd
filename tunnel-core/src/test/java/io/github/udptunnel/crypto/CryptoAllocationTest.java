package io.github.udptunnel.crypto;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** After construction, sealing, opening, Poly1305, X25519 and key generation allocate nothing (ThreadMXBean). */
class CryptoAllocationTest {

    private static final int CALLS = 200;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sealAndOpenOf1088Bytes() {
        SplittableRandom random = new SplittableRandom(1);
        SecretBox box = new SecretBox(bytes(random, 32));
        byte[] nonce = bytes(random, 24);
        byte[] message = bytes(random, 1088);
        byte[] sealed = new byte[1088 + 16];
        byte[] opened = new byte[1088];
        Runnable sealOpen = () -> {
            box.seal(nonce, 0, message, 0, 1088, sealed, 0);
            if (!box.open(nonce, 0, sealed, 0, sealed.length, opened, 0)) {
                throw new AssertionError("open failed");
            }
        };
        // On the Vector API path (the vector-salsa20 execution) every vector is an object until C2 has compiled
        // Salsa20Vector, which takes longer than the warm-up on a loaded machine: what counts is 0 once compiled.
        assertThat(allocatedOnceWarm(sealOpen, 20 * CALLS)).isZero();
    }

    @Test
    void poly1305InPieces() {
        SplittableRandom random = new SplittableRandom(2);
        Poly1305 mac = new Poly1305();
        byte[] key = bytes(random, 32);
        byte[] message = bytes(random, 1000);
        byte[] tag = new byte[16];
        Runnable macInPieces = () -> {
            mac.init(key, 0);
            mac.update(message, 0, 7);
            mac.update(message, 7, 993);
            mac.finish(tag, 0);
        };
        assertThat(allocatedBy(macInPieces, 20 * CALLS)).isZero();
    }

    @Test
    void agreementBeforenmAndKeyGeneration() {
        SplittableRandom random = new SplittableRandom(3);
        CryptoBox box = new CryptoBox();
        byte[] ours = bytes(random, 32);
        byte[] theirs = new byte[32];
        box.publicKey(bytes(random, 32), 0, theirs, 0);
        byte[] out = new byte[32];
        Runnable handshakeCrypto = () -> {
            box.publicKey(ours, 0, out, 0);
            box.x25519(ours, 0, theirs, 0, out, 0);
            box.beforenm(theirs, 0, ours, 0, out, 0);
        };
        assertThat(allocatedBy(handshakeCrypto, CALLS)).isZero();
    }

    /**
     * The fewest bytes this thread allocates in {@code calls} runs, over up to 20 such windows (stopping at 0): a
     * task that allocates on every run never reaches 0, one that only allocated while the JIT compiled does.
     */
    private long allocatedOnceWarm(Runnable task, int calls) {
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < 20 && fewest > 0; window++) {
            fewest = Math.min(fewest, allocatedBy(task, calls));
        }
        return fewest;
    }

    /** Bytes this thread allocates in {@code calls} runs, after as many runs to warm up. */
    private long allocatedBy(Runnable task, int calls) {
        for (int i = 0; i < calls; i++) {
            task.run();
        }
        threads.getCurrentThreadAllocatedBytes();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            task.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
