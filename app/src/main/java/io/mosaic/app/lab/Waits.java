package io.mosaic.app.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for what an experiment needs before it measures on. */
final class Waits {

    private Waits() {
    }

    /** Checks {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + limit.toSeconds() + " s for " + what);
            }
            Thread.sleep(20);
        }
    }
}
