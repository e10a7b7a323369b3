package io.mosaic.platform.config;

import io.mosaic.schemas.TopicSettings;
import java.util.List;

/**
 * The topics' names, partitions and replication, declared as settings and read into the
 * contract's {@link TopicSettings}.
 */
public final class TopicConfig {

    public static final Setting<String> TOPIC_JOBS = Setting.string("topic.jobs", "mosaic.jobs", "topic of job records");
    public static final Setting<Integer> TOPIC_JOBS_PARTITIONS = partitions("topic.jobs.partitions", 6, "partitions of the jobs topic");
    public static final Setting<String> TOPIC_TASKS = Setting.string("topic.tasks", "mosaic.image-tasks", "topic of image tasks");
    public static final Setting<Integer> TOPIC_TASKS_PARTITIONS = partitions("topic.tasks.partitions", 12,
            "partitions of the tasks topic: the most analyzer threads that can share the work");
    public static final Setting<String> TOPIC_RESULTS = Setting.string("topic.results", "mosaic.image-results", "topic of image results");
    public static final Setting<Integer> TOPIC_RESULTS_PARTITIONS = partitions("topic.results.partitions", 12,
            "partitions of the results topic: the most aggregator tasks");
    public static final Setting<String> TOPIC_SUMMARIES = Setting.string("topic.summaries", "mosaic.job-summaries", "topic of job summaries");
    public static final Setting<Integer> TOPIC_SUMMARIES_PARTITIONS = partitions("topic.summaries.partitions", 12,
            "partitions of the summaries topic");
    public static final Setting<String> TOPIC_DLQ = Setting.string("topic.dlq", "mosaic.image-tasks.dlq",
            "dead-letter topic for task records that cannot be read");
    public static final Setting<Integer> TOPIC_DLQ_PARTITIONS = partitions("topic.dlq.partitions", 3, "partitions of the dead-letter topic");
    public static final Setting<String> TOPIC_NEAR_DUPLICATE_GROUPS = Setting.string("topic.near.duplicate.groups",
            "mosaic.near-duplicate-groups", "topic of completed jobs' near-duplicate groups, in chunks");
    public static final Setting<Integer> TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS = partitions("topic.near.duplicate.groups.partitions", null,
            "partitions of the near-duplicate groups topic (default: as many as the results topic)");
    public static final Setting<String> TOPIC_BACKLOG = Setting.string("topic.backlog", "mosaic.task-backlog",
            "topic of submitted tasks waiting for the dispatcher to let them into the tasks topic (as many partitions as the results topic)");
    public static final Setting<String> TOPIC_ADMISSIONS = Setting.string("topic.admissions", "mosaic.job-admissions",
            "topic of the dispatcher's counts per job: queued, admitted, window (as many partitions as the results topic)");
    public static final Setting<String> TOPIC_EXPRESS = Setting.string("topic.express", "mosaic.image-tasks.express",
            "the express lane: the first tasks of each job, which the workers take before the tasks topic's (as many partitions as the tasks topic)");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication.factor", 3, 1, Short.MAX_VALUE,
            "replicas of every topic (3 on a 3-broker cluster, 1 on one broker)");
    public static final Setting<Integer> MIN_INSYNC_REPLICAS = Setting.integer("min.insync.replicas", 2, 1, Short.MAX_VALUE,
            "replicas that must acknowledge a write (2 of 3: one broker may fail)");

    public static final List<Setting<?>> SETTINGS = List.of(TOPIC_JOBS, TOPIC_JOBS_PARTITIONS, TOPIC_TASKS, TOPIC_TASKS_PARTITIONS,
            TOPIC_RESULTS, TOPIC_RESULTS_PARTITIONS, TOPIC_SUMMARIES, TOPIC_SUMMARIES_PARTITIONS, TOPIC_DLQ, TOPIC_DLQ_PARTITIONS,
            TOPIC_NEAR_DUPLICATE_GROUPS, TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS, TOPIC_BACKLOG, TOPIC_ADMISSIONS, TOPIC_EXPRESS, REPLICATION_FACTOR,
            MIN_INSYNC_REPLICAS);

    /** The settings that name a topic (not its partitions or replication). */
    public static final List<Setting<String>> NAMES = List.of(TOPIC_JOBS, TOPIC_TASKS, TOPIC_RESULTS, TOPIC_SUMMARIES, TOPIC_DLQ,
            TOPIC_NEAR_DUPLICATE_GROUPS, TOPIC_BACKLOG, TOPIC_ADMISSIONS, TOPIC_EXPRESS);

    private TopicConfig() {
    }

    /** The topic settings in {@code config}; min.insync.replicas may not exceed the replication factor. */
    static TopicSettings from(MosaicConfig config) {
        int replication = config.get(REPLICATION_FACTOR);
        int minInsync = config.get(MIN_INSYNC_REPLICAS);
        if (minInsync > replication) {
            throw new IllegalArgumentException("min.insync.replicas (" + minInsync + ") cannot exceed replication.factor ("
                    + replication + ")");
        }
        Integer groups = config.get(TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS);
        return new TopicSettings(
                config.get(TOPIC_JOBS), config.get(TOPIC_JOBS_PARTITIONS),
                config.get(TOPIC_TASKS), config.get(TOPIC_TASKS_PARTITIONS),
                config.get(TOPIC_RESULTS), config.get(TOPIC_RESULTS_PARTITIONS),
                config.get(TOPIC_SUMMARIES), config.get(TOPIC_SUMMARIES_PARTITIONS),
                config.get(TOPIC_DLQ), config.get(TOPIC_DLQ_PARTITIONS),
                // Follows the results topic unless set: the aggregator task that folds a job's results writes its groups.
                config.get(TOPIC_NEAR_DUPLICATE_GROUPS), groups != null ? groups : config.get(TOPIC_RESULTS_PARTITIONS),
                config.get(TOPIC_BACKLOG), config.get(TOPIC_ADMISSIONS), config.get(TOPIC_EXPRESS),
                (short) replication, minInsync);
    }

    private static Setting<Integer> partitions(String key, Integer defaultValue, String description) {
        return Setting.integer(key, defaultValue, 1, Integer.MAX_VALUE, description);
    }
}
