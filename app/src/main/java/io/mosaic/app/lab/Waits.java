package io.mosaic.app.lab;

import io.mosaic.platform.lifecycle.Poll;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for what an experiment needs before it measures on: {@link Poll}, by default every 20 ms. */
final class Waits {

    private static final Duration EVERY = Duration.ofMillis(20);

    private Waits() {
    }

    /** Checks {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        Poll.until(limit, EVERY, condition::getAsBoolean, what);
    }

    /** Checks {@code condition} every {@code every} until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, Duration every, BooleanSupplier condition, String what) throws InterruptedException {
        Poll.until(limit, every, condition::getAsBoolean, what);
    }

    /** Checks {@code condition} every {@code every} until it holds or {@code limit} has passed; whether it held. */
    static boolean within(Duration limit, Duration every, BooleanSupplier condition) throws InterruptedException {
        return Poll.within(limit, every, condition::getAsBoolean);
    }
}
