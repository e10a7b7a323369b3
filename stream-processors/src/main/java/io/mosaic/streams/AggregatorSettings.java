package io.mosaic.streams;

import io.mosaic.schemas.NearDuplicateChunks;
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
 * @param groupChunkBytes most bytes of URIs in one record of near-duplicate groups (see
 *     {@link NearDuplicateChunks}); far below Kafka's 1 MB record limit
 */
public record AggregatorSettings(int nearDuplicateDistance, Duration progressInterval, boolean deduplicate, int groupChunkBytes) {

    /** 256 KiB: a quarter of Kafka's default 1 MB record limit, whatever the record's other fields. */
    public static final int DEFAULT_GROUP_CHUNK_BYTES = 256 * 1024;

    public AggregatorSettings {
        if (nearDuplicateDistance < 0 || nearDuplicateDistance > Long.SIZE) {
            throw new IllegalArgumentException(
                    "near-duplicate distance must be between 0 and 64 bits, got " + nearDuplicateDistance);
        }
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progress interval must be positive, got " + progressInterval);
        }
        if (groupChunkBytes < NearDuplicateChunks.MIN_CHUNK_BYTES) {
            throw new IllegalArgumentException("a chunk of near-duplicate groups must hold at least "
                    + NearDuplicateChunks.MIN_CHUNK_BYTES + " bytes, got " + groupChunkBytes);
        }
    }

    /** Distance 10 (to be tuned by measurement), progress every 500 ms, de-duplication on, chunks of 256 KiB. */
    public static AggregatorSettings defaults() {
        return new AggregatorSettings(10, Duration.ofMillis(500), true, DEFAULT_GROUP_CHUNK_BYTES);
    }

    public AggregatorSettings withNearDuplicateDistance(int distance) {
        return new AggregatorSettings(distance, progressInterval, deduplicate, groupChunkBytes);
    }

    public AggregatorSettings withProgressInterval(Duration interval) {
        return new AggregatorSettings(nearDuplicateDistance, interval, deduplicate, groupChunkBytes);
    }

    public AggregatorSettings withDeduplicate(boolean enabled) {
        return new AggregatorSettings(nearDuplicateDistance, progressInterval, enabled, groupChunkBytes);
    }

    public AggregatorSettings withGroupChunkBytes(int bytes) {
        return new AggregatorSettings(nearDuplicateDistance, progressInterval, deduplicate, bytes);
    }
}
