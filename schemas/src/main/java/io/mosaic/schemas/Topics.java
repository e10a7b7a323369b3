package io.mosaic.schemas;

import io.mosaic.schemas.registry.SchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The pipeline's topics with their serdes, built once from {@link TopicSettings} and a schema
 * registry. Immutable: pass it to whatever reads or writes a topic.
 */
public record Topics(
        Topic<String, ImageJob> jobs,
        Topic<String, ImageTask> imageTasks,
        Topic<String, ImageResult> imageResults,
        Topic<String, JobSummary> jobSummaries,
        Topic<String, byte[]> imageTasksDlq,
        Topic<String, NearDuplicateGroups> nearDuplicateGroups,
        Topic<String, ImageTask> taskBacklog,
        Topic<String, JobAdmission> jobAdmissions,
        Topic<String, ImageTask> expressTasks,
        short replicationFactor,
        int minInSyncReplicas) {

    private static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    public static Topics create(TopicSettings settings, SchemaRegistry registry) {
        Serde<String> keys = Serdes.String();
        return new Topics(
                // One record per job, the latest wins: compaction keeps it forever at little cost.
                new Topic<>(settings.jobs(), settings.jobsPartitions(), COMPACTED, keys, new AvroSerde<>(registry, ImageJob.class)),
                new Topic<>(settings.imageTasks(), settings.imageTasksPartitions(), Map.of(), keys, new AvroSerde<>(registry, ImageTask.class)),
                new Topic<>(settings.imageResults(), settings.imageResultsPartitions(), Map.of(), keys, new AvroSerde<>(registry, ImageResult.class)),
                // The latest summary per job is all anyone needs.
                new Topic<>(settings.jobSummaries(), settings.jobSummariesPartitions(), COMPACTED, keys, new AvroSerde<>(registry, JobSummary.class)),
                new Topic<>(settings.imageTasksDlq(), settings.imageTasksDlqPartitions(), Map.of(), keys, Serdes.ByteArray()),
                // Not compacted: a job's groups are several records under one key, all needed.
                new Topic<>(settings.nearDuplicateGroups(), settings.nearDuplicateGroupsPartitions(), Map.of(), keys,
                        new AvroSerde<>(registry, NearDuplicateGroups.class)),
                // Keyed by job, so that the dispatcher finds a job's tasks and its results in
                // one stream task: partitioned exactly as the results.
                new Topic<>(settings.taskBacklog(), settings.imageResultsPartitions(), Map.of(), keys, new AvroSerde<>(registry, ImageTask.class)),
                // The latest counts per job are all anyone needs.
                new Topic<>(settings.jobAdmissions(), settings.imageResultsPartitions(), COMPACTED, keys,
                        new AvroSerde<>(registry, JobAdmission.class)),
                new Topic<>(settings.expressTasks(), settings.imageTasksPartitions(), Map.of(), keys, new AvroSerde<>(registry, ImageTask.class)),
                settings.replicationFactor(),
                settings.minInSyncReplicas());
    }

    /**
     * The same topics with replication a cluster of {@code brokers} can hold: the factor at most
     * the number of brokers, and when it had to shrink, min.insync.replicas at most one less than
     * the new factor (at least 1), so that one replica may still fail without refusing writes.
     */
    public Topics fittedTo(int brokers) {
        if (brokers < 1 || replicationFactor <= brokers) {
            return this;
        }
        short factor = (short) brokers;
        int minIsr = Math.min(minInSyncReplicas, Math.max(1, factor - 1));
        return new Topics(jobs, imageTasks, imageResults, jobSummaries, imageTasksDlq, nearDuplicateGroups, taskBacklog, jobAdmissions,
                expressTasks, factor, minIsr);
    }

    /** Every topic, for creating them. */
    public List<Topic<?, ?>> all() {
        return List.of(jobs, imageTasks, imageResults, jobSummaries, imageTasksDlq, nearDuplicateGroups, taskBacklog, jobAdmissions, expressTasks);
    }
}
