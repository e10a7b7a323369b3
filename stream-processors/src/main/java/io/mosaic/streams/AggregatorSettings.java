package io.mosaic.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * How the job aggregator folds results.
 *
 * @param nearDuplicateDistance largest Hamming distance between two perceptual hashes for the
 *     images to count as near-duplicates
 * @param progressInterval how often (wall-clock) summaries changed by results are emitted; state
 *     transitions are emitted at once regardless
 * @param deduplicate count each task id once per job; {@code false} counts every result and
 *     exists only so fault tests can show that their checker catches duplicates
 */
public record AggregatorSettings(int nearDuplicateDistance, Duration progressInterval, boolean deduplicate) {

    public AggregatorSettings {
        if (nearDuplicateDistance < 0 || nearDuplicateDistance > Long.SIZE) {
            throw new IllegalArgumentException(
                    "near-duplicate distance must be between 0 and 64 bits, got " + nearDuplicateDistance);
        }
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progress interval must be positive, got " + progressInterval);
        }
    }

    /** Distance 10 (to be tuned by measurement), progress every 500 ms, de-duplication on. */
    public static AggregatorSettings defaults() {
        return new AggregatorSettings(10, Duration.ofMillis(500), true);
    }

    public AggregatorSettings withNearDuplicateDistance(int distance) {
        return new AggregatorSettings(distance, progressInterval, deduplicate);
    }

    public AggregatorSettings withProgressInterval(Duration interval) {
        return new AggregatorSettings(nearDuplicateDistance, interval, deduplicate);
    }

    public AggregatorSettings withDeduplicate(boolean enabled) {
        return new AggregatorSettings(nearDuplicateDistance, progressInterval, enabled);
    }
}
