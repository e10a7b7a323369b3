package io.mosaic.platform.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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

    /**
     * Validates and starts {@code part}; it will be stopped when this is closed. Parts may be
     * started from several threads at once ({@link #startTogether}): only the bookkeeping is
     * locked, never a part's start.
     */
    public <T extends Lifecycle> T start(T part) throws Exception {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("already shut down; not starting " + part.name());
            }
        }
        part.validate();
        try {
            part.start();
        } catch (Exception | Error e) {
            part.stop();
            throw e;
        }
        synchronized (this) {
            if (closed) {
                part.stop();
                throw new IllegalStateException("shut down while " + part.name() + " was starting");
            }
            started.push(part);
        }
        return part;
    }

    /**
     * Starts parts that do not depend on each other side by side (a cluster and a registry, or the
     * services of a pipeline) and returns once all are ready; the first failure is thrown once
     * all have finished starting, and the parts that did start are stopped with the rest.
     */
    public void startTogether(Lifecycle... parts) throws Exception {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            Lifecycle part = parts[i];
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    start(part);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, runnable -> {
                Thread thread = new Thread(runnable, "mosaic-start-" + part.name());
                thread.setDaemon(true);
                thread.start();
            }));
        }
        Exception failure = null;
        try {
            if (parts.length > 0) {
                start(parts[0]);
            }
        } catch (Exception e) {
            failure = e;
        }
        for (CompletableFuture<Void> start : starts) {
            try {
                start.get();
            } catch (ExecutionException e) {
                Throwable thrown = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                Exception cause = thrown instanceof Exception root ? root : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
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
        ChildProcesses.removeShutdownHook(shutdownHook);
    }
}
