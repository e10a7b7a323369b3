package io.mosaic.streams;

import io.mosaic.analysis.PerceptualHash;
import io.mosaic.platform.config.Setting;
import io.mosaic.schemas.NearDuplicateChunks;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the job aggregator folds results.
 *
 * @param nearDuplicateDistance largest Hamming distance between the centre hashes or the wide
 *     hashes of two images for them to count as near-duplicates (see {@link PerceptualHash#nearDuplicates})
 * @param progressInterval how often (wall-clock) summaries changed by results are emitted; state
 *     transitions are emitted at once regardless
 * @param deduplicate count each task id once per job; {@code false} counts every result and
 *     exists only so fault tests can show that their checker catches duplicates
 * @param groupChunkBytes most bytes of URIs in one record of near-duplicate groups (see
 *     {@link NearDuplicateChunks}); far below Kafka's 1 MB record limit
 */
public record AggregatorSettings(int nearDuplicateDistance, Duration progressInterval, boolean deduplicate, int groupChunkBytes) {

    public static final Setting<Integer> NEAR_DUPLICATE_DISTANCE = Setting.integer("analysis.near.duplicate.distance",
            PerceptualHash.NEAR_DUPLICATE_DISTANCE, 0, 32, "largest Hamming distance between the centre hashes or the wide hashes of"
                    + " near-duplicates; both pairs together may be two and a half times as far apart");
    public static final Setting<String> STATE_DIR = Setting.string("state.dir", null,
            "Kafka Streams state directory (default: a directory under the system temp dir)");
    public static final Setting<String> ADVERTISED_URL = Setting.string("aggregator.advertised.url", null,
            "URL at which other aggregator instances and the jobs API reach this aggregator's HTTP endpoints, e.g."
                    + " http://aggregator-1:7072; it becomes Kafka Streams' application.server (default: http://<bind address>:<HTTP"
                    + " port>, the host name when bound to 0.0.0.0)");
    public static final Setting<Integer> STANDBY_REPLICAS = Setting.integer("aggregator.standby.replicas", 0, 0, 10,
            "warm copies of each aggregator state store kept on other aggregator instances (num.standby.replicas): with 1 and"
                    + " two instances, the survivor of a failure answers queries from its copy at once");

    public static final List<Setting<?>> SETTINGS = List.of(NEAR_DUPLICATE_DISTANCE, STATE_DIR, ADVERTISED_URL, STANDBY_REPLICAS);

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
        return new AggregatorSettings(PerceptualHash.NEAR_DUPLICATE_DISTANCE, Duration.ofMillis(500), true, DEFAULT_GROUP_CHUNK_BYTES);
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
