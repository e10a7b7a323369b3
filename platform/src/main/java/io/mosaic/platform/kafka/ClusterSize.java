package io.mosaic.platform.kafka;

/**
 * The sizes an {@link EmbeddedKafkaCluster} comes in, and the replication each gives: one broker
 * (one replica of everything), or three (three replicas, {@code min.insync.replicas=2}, so that
 * one broker may be down without refusing a write). The one place that rule is written.
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

    static int replicationFactor(int brokers) {
        return brokers == 3 ? 3 : 1;
    }

    static int minInsyncReplicas(int brokers) {
        return brokers == 3 ? 2 : 1;
    }
}
