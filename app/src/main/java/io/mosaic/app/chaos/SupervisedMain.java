package io.mosaic.app.chaos;

import io.mosaic.app.MosaicCommand;
import java.util.Arrays;

/**
 * Entry point of a service that a chaos run starts as a child JVM:
 * {@code SupervisedMain --parent-pid PID <mosaic arguments>} runs {@code mosaic <arguments>} and
 * ends it when the parent process is gone, so that a chaos run killed by any means leaves no
 * worker or aggregator behind.
 */
public final class SupervisedMain {

    /** How long a service may take to stop cleanly after its parent died, before it is halted. */
    private static final long HALT_AFTER_MS = 10_000;

    private SupervisedMain() {
    }

    public static void main(String[] args) {
        if (args.length < 3 || !args[0].equals("--parent-pid")) {
            System.err.println("usage: SupervisedMain --parent-pid PID <mosaic subcommand and options>");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[1]);
        Thread watchdog = new Thread(() -> watch(parentPid), "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(MosaicCommand.execute(Arrays.copyOfRange(args, 2, args.length)));
    }

    private static void watch(long parentPid) {
        while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("parent process " + parentPid + " is gone; stopping");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MS);
            } catch (InterruptedException ignored) {
                // Halting anyway.
            }
            Runtime.getRuntime().halt(1);
        }, "halt-after-grace");
        halt.setDaemon(true);
        halt.start();
        System.exit(1);
    }
}
