package io.mosaic.platform.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mosaic.platform.net.IsolatedNetwork;

/** For tests that cut the network: skipped, with one line saying why, where the machine cannot (not root, no nft). */
public final class Partitions {

    private Partitions() {
    }

    /** Skips the calling test unless isolated networks can be made here; {@code test} names it in the line printed. */
    public static void assumeAvailable(String test) {
        String reason = IsolatedNetwork.unavailable().orElse("");
        if (!reason.isEmpty()) {
            System.out.println(test + " skipped: network partitions cannot be made here: " + reason);
        }
        assumeTrue(reason.isEmpty(), () -> "network partitions cannot be made here: " + reason);
    }
}
