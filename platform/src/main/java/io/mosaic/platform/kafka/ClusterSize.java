package io.mosaic.platform.kafka;

/**
 * The sizes an {@link EmbeddedKafkaCluster} comes in: one broker, or three, which replicate
 * every topic as {@link io.mosaic.schemas.TopicSettings#replicationFactorFor} says (three replicas,
 * {@code min.insync.replicas=2}, so that one broker may be down without refusing a write).
 */
public final class ClusterSize {

    private ClusterSize() {
    }

    /** Returns {@code brokers} if it is 1 or 3; otherwise throws, naming the setting as {@code what}. */
    public static int require(int brokers, String what) {
        if (brokers != 1 && brokers != 3) {
            throw new IllegalArgumentException(what + " must be 1 or 3, got " + brokers);
        }
        return brokers;
    }
}
