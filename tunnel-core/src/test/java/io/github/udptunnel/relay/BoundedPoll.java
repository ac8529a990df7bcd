package io.github.udptunnel.relay;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits for a condition with a deadline (Awaitility), answering true or false rather than throwing. */
final class BoundedPoll {

    private static final Duration INTERVAL = Duration.ofMillis(5);

    private BoundedPoll() {
    }

    /** True as soon as {@code condition} holds; false if it still does not after {@code timeout}. */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(INTERVAL)
                .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return condition.getAsBoolean();
        }
    }
}
