package io.github.udptunnel.crypto;

import java.lang.reflect.Constructor;

/**
 * Chooses, once at class initialisation, how the Salsa20 of {@link SecretBox} computes whole batches of blocks:
 * with the Vector API ({@code Salsa20Vector}) when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, with the scalar code of {@link Salsa20Core} otherwise. Both give the
 * same bytes. {@code -Dudptunnel.salsa20=scalar|vector} forces one (vector without the module is an error).
 */
final class Salsa20Batches {

    static final String PROPERTY = "udptunnel.salsa20";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Salsa20Vector's constructor when the module is there; the class is never loaded otherwise. */
    private static final Constructor<? extends Salsa20Batch> VECTOR = vectorConstructor();

    /** The constructor of the batch {@link #create} makes, or null for the scalar code only. */
    private static final Constructor<? extends Salsa20Batch> CHOSEN = choose(System.getProperty(PROPERTY, "auto"));

    private Salsa20Batches() {
    }

    /** A new batch of the chosen kind for one core (each owns its scratch), or null for the scalar code only. */
    static Salsa20Batch create() {
        return CHOSEN == null ? null : newBatch(CHOSEN);
    }

    /** The name of the chosen implementation, for logs and benchmarks. */
    static String chosen() {
        return CHOSEN == null ? "scalar" : "vector";
    }

    /** A Vector API batch when the JVM has the module, else null. */
    static Salsa20Batch vectorIfPresent() {
        return VECTOR == null ? null : newBatch(VECTOR);
    }

    private static Constructor<? extends Salsa20Batch> choose(String which) {
        switch (which) {
            case "scalar":
                return null;
            case "vector":
                if (VECTOR == null) {
                    throw new IllegalStateException("-D" + PROPERTY + "=vector needs --add-modules " + VECTOR_MODULE);
                }
                return VECTOR;
            case "auto":
                return VECTOR;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + " is scalar, vector or auto, not " + which);
        }
    }

    private static Constructor<? extends Salsa20Batch> vectorConstructor() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return null;
        }
        try {
            return Class.forName(Salsa20Batches.class.getPackageName() + ".Salsa20Vector")
                .asSubclass(Salsa20Batch.class).getDeclaredConstructor();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the module " + VECTOR_MODULE + " is there but Salsa20Vector is not", e);
        }
    }

    private static Salsa20Batch newBatch(Constructor<? extends Salsa20Batch> constructor) {
        try {
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
