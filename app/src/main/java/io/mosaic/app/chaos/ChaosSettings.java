package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a chaos run does.
 *
 * @param images          input files, one task each
 * @param faults          faults to inject
 * @param seed            seeds the images, the faults, their moments and their victims
 * @param unsafe          turn the protections off ({@link Unsafe}), to show
 *                        that the checker catches what exactly-once prevents
 * @param workers         worker processes
 * @param standbyReplicas warm copies of the aggregator's state on the other instance
 * @param publishOver     how long the first submission takes to publish the tasks, so that
 *                        faults strike while the job is in flight
 * @param keep            keep the run's directory (logs, broker data) even when it passes
 * @param timeout         longest wait for the job, from its submission
 * @param kinds           the kinds of fault to draw from; network kinds put the brokers in network namespaces
 * @param isolate         put the brokers and services in network namespaces even when no network kind is drawn
 */
public record ChaosSettings(int images, int faults, long seed, boolean unsafe, int workers, int standbyReplicas,
                            Duration publishOver, boolean keep, Duration timeout, Set<FaultKind> kinds, boolean isolate) {

    /** Seconds of publishing per planned fault: about what injecting one fault and recovering from it takes. */
    public static final int PUBLISH_SECONDS_PER_FAULT = 15;

    /** Enough publishing time for {@code faults} faults, and at least 20 s. */
    public static Duration defaultPublishOver(int faults) {
        return Duration.ofSeconds(Math.max(20, (long) PUBLISH_SECONDS_PER_FAULT * faults));
    }

    /** Whether the brokers and services live in network namespaces of their own: asked for, or needed by a kind that cuts or slows the network. */
    public boolean isolated() {
        return isolate || kinds.stream().anyMatch(FaultKind::network);
    }

    public ChaosSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(publishOver, "publishOver");
        kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds"));
        if (kinds.isEmpty() && faults > 0) {
            throw new IllegalArgumentException("--kinds names no fault kind; the kinds are " + FaultKind.labels());
        }
        if (publishOver.isNegative()) {
            throw new IllegalArgumentException("--publish-over cannot be negative, got " + publishOver.toSeconds());
        }
        if (images < 1 || images > 100_000) {
            throw new IllegalArgumentException("--images must be between 1 and 100000, got " + images);
        }
        if (faults < 0 || faults > 1_000) {
            throw new IllegalArgumentException("--faults must be between 0 and 1000, got " + faults);
        }
        if (workers < 1 || workers > 8) {
            throw new IllegalArgumentException("--workers must be between 1 and 8, got " + workers);
        }
        if (standbyReplicas < 0 || standbyReplicas > 1) {
            throw new IllegalArgumentException("--standby-replicas must be 0 or 1 with two aggregators, got " + standbyReplicas);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeout.toSeconds());
        }
    }
}
