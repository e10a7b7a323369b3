package io.mosaic.platform.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts parts in order and stops them in reverse order, once, whether the JVM exits normally,
 * on Ctrl-C or SIGTERM, or the owner closes it. The one shutdown helper every command uses.
 */
public final class Lifecycles implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Lifecycles.class);

    private final Deque<Lifecycle> started = new ArrayDeque<>();
    private final Thread shutdownHook;
    private boolean closed;

    public Lifecycles() {
        this.shutdownHook = new Thread(this::stopAll, "mosaic-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Validates and starts {@code part}; it will be stopped when this is closed. */
    public synchronized <T extends Lifecycle> T start(T part) throws Exception {
        if (closed) {
            throw new IllegalStateException("already shut down; not starting " + part.name());
        }
        part.validate();
        try {
            part.start();
        } catch (Exception | Error e) {
            part.stop();
            throw e;
        }
        started.push(part);
        return part;
    }

    /** Stops every started part, last started first. */
    public synchronized void stopAll() {
        closed = true;
        while (!started.isEmpty()) {
            Lifecycle part = started.pop();
            try {
                part.stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", part.name(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
    }
}
