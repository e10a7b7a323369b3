package io.mosaic.platform.lifecycle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;

/**
 * Entry point of a child JVM that must not outlive the process that started it:
 * {@code WatchedMain --parent-pid PID MAIN-CLASS [ARGS...]} starts a {@link ParentWatchdog} and
 * then runs {@code MAIN-CLASS.main(ARGS)}. Used for the schema-registry child, whose own main
 * cannot be changed, and for the chaos runs' services. Needs nothing but this class and
 * {@link ParentWatchdog} on the class path besides the program it runs.
 */
public final class WatchedMain {

    /** How long the program may take to stop cleanly after its parent died, before it is halted. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private WatchedMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 3 || !args[0].equals("--parent-pid")) {
            System.err.println("usage: WatchedMain --parent-pid PID MAIN-CLASS [ARGS...]");
            System.exit(2);
        }
        ParentWatchdog.start(Long.parseLong(args[1]), args[2], GRACE, 1);
        Method main = Class.forName(args[2]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 3, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
