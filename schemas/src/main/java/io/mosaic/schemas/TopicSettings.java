package io.mosaic.schemas;

/**
 * Names, partition counts and replication of the pipeline's topics: configuration, not literals
 * in code. Defaults are those of DESIGN.md.
 */
public record TopicSettings(
        String jobs, int jobsPartitions,
        String imageTasks, int imageTasksPartitions,
        String imageResults, int imageResultsPartitions,
        String jobSummaries, int jobSummariesPartitions,
        String imageTasksDlq, int imageTasksDlqPartitions,
        String nearDuplicateGroups, int nearDuplicateGroupsPartitions,
        String taskBacklog, String jobAdmissions, String expressTasks,
        short replicationFactor, int minInSyncReplicas) {

    public static TopicSettings defaults() {
        return new TopicSettings(
                "mosaic.jobs", 6,
                "mosaic.image-tasks", 12,
                "mosaic.image-results", 12,
                "mosaic.job-summaries", 12,
                "mosaic.image-tasks.dlq", 3,
                // As many partitions as the results: the aggregator task that folds a job's
                // results is the one that writes its groups.
                "mosaic.near-duplicate-groups", 12,
                // Both have as many partitions as the results: the dispatcher reads a job's
                // backlog and its results in one stream task, and the aggregator folds a job's
                // admissions where it folds its results.
                "mosaic.task-backlog", "mosaic.job-admissions",
                // The express lane: partitioned as the tasks topic, drained first by the workers.
                "mosaic.image-tasks.express",
                (short) 1, 1);
    }

    /**
     * The replication factor that fits a cluster of {@code brokers}: with three or more, 3, and
     * {@link #minInsyncReplicasFor} 2, so a write survives the loss of one broker and losing two
     * stops writes instead of losing them; with fewer, 1 and 1.
     */
    public static int replicationFactorFor(int brokers) {
        return brokers >= 3 ? 3 : 1;
    }

    /** The {@code min.insync.replicas} that fits a cluster of {@code brokers} (see {@link #replicationFactorFor}). */
    public static int minInsyncReplicasFor(int brokers) {
        return brokers >= 3 ? 2 : 1;
    }
}
