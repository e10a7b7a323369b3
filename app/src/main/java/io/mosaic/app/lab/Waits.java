package io.mosaic.app.lab;

import io.mosaic.platform.lifecycle.Poll;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for what an experiment needs before it measures on: {@link Poll} every 20 ms (other intervals: Poll itself). */
final class Waits {

    private static final Duration EVERY = Duration.ofMillis(20);

    private Waits() {
    }

    /** Checks {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        Poll.until(limit, EVERY, condition::getAsBoolean, what);
    }
}
