package io.mosaic.app.chaos;

import io.mosaic.app.MosaicCommand;
import io.mosaic.platform.lifecycle.ParentWatchdog;
import java.time.Duration;
import java.util.Arrays;

/**
 * Entry point of a service that a chaos run starts as a child JVM:
 * {@code SupervisedMain --parent-pid PID <mosaic arguments>} runs {@code mosaic <arguments>} and
 * ends it when the parent process is gone, so that a chaos run killed by any means leaves no
 * worker or aggregator behind.
 */
public final class SupervisedMain {

    /** How long a service may take to stop cleanly after its parent died, before it is halted. */
    private static final Duration HALT_AFTER = Duration.ofSeconds(10);

    private SupervisedMain() {
    }

    public static void main(String[] args) {
        if (args.length < 3 || !args[0].equals("--parent-pid")) {
            System.err.println("usage: SupervisedMain --parent-pid PID <mosaic subcommand and options>");
            System.exit(2);
        }
        ParentWatchdog.start(Long.parseLong(args[1]), "this service", HALT_AFTER, 1);
        System.exit(MosaicCommand.execute(Arrays.copyOfRange(args, 2, args.length)));
    }
}
