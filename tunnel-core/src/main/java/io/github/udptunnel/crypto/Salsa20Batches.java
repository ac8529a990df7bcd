package io.github.udptunnel.crypto;

/** Chooses, once, how {@link Salsa20Core} computes whole batches of blocks. */
final class Salsa20Batches {

    /** The batch of every core that is not given one; null means the scalar code only. */
    static final Salsa20Batch DEFAULT = null;

    private Salsa20Batches() {
    }

    /** The Vector API batch when the JVM has jdk.incubator.vector, else null. */
    static Salsa20Batch vectorIfPresent() {
        return null;
    }
}
