package io.mosaic.platform.lifecycle;

import java.time.Duration;

/**
 * Ends a child JVM once the process that started it is gone, so that a parent killed by any
 * means (SIGKILL included) leaves no broker or service behind. The child first exits normally,
 * running its shutdown hooks; if stopping cleanly takes longer than the grace period (a broker's
 * controlled shutdown waits for a controller that may have gone with the parent), it is halted.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    /**
     * Starts a daemon thread that checks every second whether {@code parentPid} is alive.
     *
     * @param what names this process in the line printed on the way out
     * @param exitCode the exit status once the parent is gone
     */
    public static void start(long parentPid, String what, Duration grace, int exitCode) {
        Thread watchdog = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("parent process " + parentPid + " is gone; stopping " + what);
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(grace.toMillis());
                } catch (InterruptedException ignored) {
                    // Halting anyway.
                }
                Runtime.getRuntime().halt(1);
            }, "halt-after-grace");
            halt.setDaemon(true);
            halt.start();
            System.exit(exitCode);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
