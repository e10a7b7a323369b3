package io.mosaic.app.chaos;

import io.mosaic.platform.lifecycle.Lifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workers and aggregators of a chaos run, each a child JVM. Starting waits until every one
 * runs; stopping kills whatever is left, paused processes included, so nothing outlives the run.
 */
final class ServiceFleet implements Lifecycle {

    static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final List<ChildJvm> workers;
    private final List<ChildJvm> aggregators;

    ServiceFleet(List<ChildJvm> workers, List<ChildJvm> aggregators) {
        this.workers = List.copyOf(workers);
        this.aggregators = List.copyOf(aggregators);
    }

    @Override
    public String name() {
        return workers.size() + " worker and " + aggregators.size() + " aggregator processes";
    }

    @Override
    public void validate() {
        if (workers.isEmpty() || aggregators.isEmpty()) {
            throw new IllegalArgumentException("a chaos run needs at least one worker and one aggregator");
        }
    }

    /**
     * Starts the aggregators side by side (one rebalance for both), then the workers, and waits
     * until all of them run. Two waves rather than one keep a small machine from starting every JVM
     * at the same moment.
     */
    @Override
    public void start() throws Exception {
        for (List<ChildJvm> wave : List.of(aggregators, workers)) {
            for (ChildJvm child : wave) {
                child.start();
            }
            for (ChildJvm child : wave) {
                child.awaitRunning(START_TIMEOUT);
            }
        }
    }

    List<ChildJvm> workers() {
        return workers;
    }

    List<ChildJvm> aggregators() {
        return aggregators;
    }

    List<ChildJvm> all() {
        List<ChildJvm> all = new ArrayList<>(aggregators);
        all.addAll(workers);
        return all;
    }

    /** Kills every process side by side; idempotent. */
    @Override
    public void stop() {
        List<Thread> stopping = new ArrayList<>();
        for (ChildJvm child : all()) {
            Thread thread = new Thread(child::destroy, "mosaic-chaos-stop-" + child.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
