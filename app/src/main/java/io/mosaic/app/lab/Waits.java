package io.mosaic.app.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for what an experiment needs before it measures on: the lab's one polling loop. */
final class Waits {

    private static final Duration EVERY = Duration.ofMillis(20);

    private Waits() {
    }

    /** Checks {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        until(limit, EVERY, condition, what);
    }

    /** Checks {@code condition} every {@code every} until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, Duration every, BooleanSupplier condition, String what) throws InterruptedException {
        if (!within(limit, every, condition)) {
            throw new IllegalStateException("waited " + limit.toSeconds() + " s for " + what);
        }
    }

    /** Checks {@code condition} every {@code every} until it holds or {@code limit} has passed; whether it held. */
    static boolean within(Duration limit, Duration every, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(every.toMillis());
        }
        return true;
    }
}
