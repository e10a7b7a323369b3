package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.Objects;

/**
 * What a chaos run does.
 *
 * @param images          input files, one task each
 * @param faults          faults to inject
 * @param seed            seeds the images, the faults, their moments and their victims
 * @param unsafe          run the aggregator at least once and without de-duplication, to show
 *                        that the checker catches what exactly-once prevents
 * @param workers         worker processes
 * @param standbyReplicas warm copies of the aggregator's state on the other instance
 * @param keep            keep the run's directory (logs, broker data) even when it passes
 * @param timeout         longest wait for the job, from its submission
 */
public record ChaosSettings(int images, int faults, long seed, boolean unsafe, int workers, int standbyReplicas,
                            boolean keep, Duration timeout) {

    public ChaosSettings {
        Objects.requireNonNull(timeout, "timeout");
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
