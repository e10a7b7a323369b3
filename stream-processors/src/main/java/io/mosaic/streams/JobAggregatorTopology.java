package io.mosaic.streams;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.Topic;
import io.mosaic.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The job aggregator: folds each job's results, exactly once per task, into a {@link JobSummary}.
 *
 * <ul>
 *   <li>Input {@code mosaic.jobs}: key jobId, value {@link ImageJob}; repartitioned by jobId to
 *       the results topic's partition count (internal topic {@value #JOBS_REPARTITION}).
 *   <li>Input {@code mosaic.image-results}: key jobId, value {@link ImageResult}.
 *   <li>Input {@code mosaic.job-admissions}: key jobId, value {@link JobAdmission}, the
 *       dispatcher's counts, copied into the summary (tasks held back, tasks in the workers' queue).
 *   <li>Output {@code mosaic.job-summaries}: key jobId, value {@link JobSummary}; PENDING,
 *       RUNNING and COMPLETED at once, progress every {@link AggregatorSettings#progressInterval()}.
 *       Counts only, so a summary stays small however many images its job has.
 *   <li>Output {@code mosaic.near-duplicate-groups}: key jobId, value {@link NearDuplicateGroups};
 *       on completion, the job's near-duplicate groups in chunks of at most
 *       {@link AggregatorSettings#groupChunkBytes()}, in the transaction of the COMPLETED summary.
 *   <li>Stores (RocksDB, changelogged): {@value #JOB_SUMMARIES_STORE} (jobId to summary, also
 *       served by interactive query), {@value #SEEN_TASKS_STORE} (jobId NUL taskId to the time the
 *       task was counted), {@value #JOB_HASHES_STORE} (jobId NUL taskId to the URI, perceptual
 *       hash and blurry flag of an OK image). In memory, not logged: {@value #DIRTY_JOBS_STORE}
 *       (jobs whose progress has not been emitted yet).
 * </ul>
 *
 * <p>Names of stores, processors and the repartition topic are fixed here: they name changelog
 * and internal topics, which must stay the same from one version of the code to the next.
 *
 * <p>The two processors emit two kinds of record to two topics. The sinks are added with the
 * Processor API after the DSL part is built, as children of both processors, and the processors
 * forward each record to its sink by name ({@link AggregatorOutput}).
 */
public final class JobAggregatorTopology {

    public static final String JOB_SUMMARIES_STORE = "job-summaries-store";
    public static final String SEEN_TASKS_STORE = "seen-tasks-store";
    public static final String JOB_HASHES_STORE = "job-hashes-store";
    public static final String DIRTY_JOBS_STORE = "dirty-jobs-store";

    /** Name of the repartition step; the internal topic is {@code <application.id>-jobs-by-job-repartition}. */
    public static final String JOBS_REPARTITION = "jobs-by-job";

    static final String FOLD_JOB_RECORDS = "fold-job-records";
    static final String FOLD_RESULTS = "fold-results";
    static final String FOLD_ADMISSIONS = "fold-admissions";
    /** Sink of {@code mosaic.job-summaries}. */
    public static final String SUMMARIES_SINK = "job-summaries-sink";
    /** Sink of {@code mosaic.near-duplicate-groups}. */
    public static final String GROUPS_SINK = "near-duplicate-groups-sink";

    private static final String[] STORES = {JOB_SUMMARIES_STORE, SEEN_TASKS_STORE, JOB_HASHES_STORE, DIRTY_JOBS_STORE};

    private JobAggregatorTopology() {
    }

    public static Topology build(StreamsBuilder builder, Topics topics, AggregatorSettings settings) {
        addStores(builder, topics);

        Topic<String, ImageJob> jobs = topics.jobs();
        Topic<String, ImageResult> results = topics.imageResults();
        Topic<String, JobSummary> summaries = topics.jobSummaries();
        Topic<String, NearDuplicateGroups> groups = topics.nearDuplicateGroups();

        // Both processors share the stores, so a job's record and its results must reach the same
        // stream task. mosaic.jobs has fewer partitions than mosaic.image-results, so the same
        // jobId lands on different partition numbers. Repartitioning the (small) job stream by
        // the same key, with the same default partitioner over the serialized key, to the
        // results topic's partition count makes the two co-partitioned; the results, which are
        // the bulk of the traffic, are read where they are.
        builder.stream(jobs.name(), Consumed.with(jobs.keySerde(), jobs.valueSerde()).withName("jobs-source"))
                .repartition(Repartitioned.with(jobs.keySerde(), jobs.valueSerde())
                        .withName(JOBS_REPARTITION)
                        .withNumberOfPartitions(results.partitions()))
                .process(() -> new JobRecordProcessor(settings), Named.as(FOLD_JOB_RECORDS), STORES);

        builder.stream(results.name(), Consumed.with(results.keySerde(), results.valueSerde()).withName("results-source"))
                .process(() -> new ResultFoldProcessor(settings), Named.as(FOLD_RESULTS), STORES);

        // Partitioned as the results, so a job's admissions reach the task that holds its summary.
        Topic<String, JobAdmission> admissions = topics.jobAdmissions();
        builder.stream(admissions.name(), Consumed.with(admissions.keySerde(), admissions.valueSerde()).withName("admissions-source"))
                .process(() -> new AdmissionFoldProcessor(settings), Named.as(FOLD_ADMISSIONS), STORES);

        Topology topology = builder.build();
        topology.addSink(SUMMARIES_SINK, summaries.name(), summaries.keySerde().serializer(), summaries.valueSerde().serializer(),
                FOLD_JOB_RECORDS, FOLD_RESULTS, FOLD_ADMISSIONS);
        topology.addSink(GROUPS_SINK, groups.name(), groups.keySerde().serializer(), groups.valueSerde().serializer(),
                FOLD_JOB_RECORDS, FOLD_RESULTS);
        return topology;
    }

    private static void addStores(StreamsBuilder builder, Topics topics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(JOB_SUMMARIES_STORE), Serdes.String(), topics.jobSummaries().valueSerde())
                // Every result rewrites its job's summary; the cache turns those rewrites into
                // one RocksDB write and one changelog record per job per commit.
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SEEN_TASKS_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(JOB_HASHES_STORE), Serdes.String(), new HashedImageSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(DIRTY_JOBS_STORE), Serdes.String(), Serdes.Long())
                // Losing it (a crash, a rebalance) only delays a progress update until the job's
                // next result or its completion, both of which emit anyway: not worth a changelog.
                .withLoggingDisabled());
    }
}
