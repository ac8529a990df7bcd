package io.github.udptunnel.relay;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline and a bounded number of checks: no Awaitility on this classpath. */
final class BoundedPoll {

    private static final long INTERVAL_MILLIS = 5;

    private BoundedPoll() {
    }

    /** True as soon as {@code condition} holds; false if it still does not after {@code timeout}. */
    static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long maxChecks = timeout.toMillis() / INTERVAL_MILLIS + 2;
        for (long check = 0; check < maxChecks; check++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(INTERVAL_MILLIS);
        }
        return condition.getAsBoolean();
    }
}
