package io.mosaic.platform.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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

    /**
     * Starts two parts that do not depend on each other side by side (a cluster and a registry, say)
     * and returns once both are ready; the first failure is thrown once both have finished starting.
     */
    public void startTogether(Lifecycle first, Lifecycle second) throws Exception {
        CompletableFuture<Void> secondStarted = CompletableFuture.runAsync(() -> {
            try {
                start(second);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            start(first);
        } finally {
            try {
                secondStarted.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof CompletionException c && c.getCause() instanceof Exception root ? root : e;
            }
        }
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
