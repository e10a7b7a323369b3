package io.mosaic.streams;

import io.mosaic.analysis.HashedImage;
import io.mosaic.schemas.JobSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The aggregator's state stores, seen from one stream task. Both processors of the aggregator
 * reach the same stores through this view, so they agree on key layout.
 *
 * <p>Per-task keys are {@code jobId + '\u0000' + taskId}: one job's entries are contiguous and
 * a prefix scan over {@code jobId + '\u0000'} finds exactly them (job ids never contain NUL).
 */
final class AggregatorStores {

    private static final char SEPARATOR = '\u0000';
    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

    private final KeyValueStore<String, JobSummary> summaries;
    private final KeyValueStore<String, Long> seenTasks;
    private final KeyValueStore<String, HashedImage> images;
    private final KeyValueStore<String, Long> dirtyJobs;

    private AggregatorStores(KeyValueStore<String, JobSummary> summaries, KeyValueStore<String, Long> seenTasks,
            KeyValueStore<String, HashedImage> images, KeyValueStore<String, Long> dirtyJobs) {
        this.summaries = summaries;
        this.seenTasks = seenTasks;
        this.images = images;
        this.dirtyJobs = dirtyJobs;
    }

    static AggregatorStores from(ProcessingContext context) {
        return new AggregatorStores(
                context.getStateStore(JobAggregatorTopology.JOB_SUMMARIES_STORE),
                context.getStateStore(JobAggregatorTopology.SEEN_TASKS_STORE),
                context.getStateStore(JobAggregatorTopology.JOB_HASHES_STORE),
                context.getStateStore(JobAggregatorTopology.DIRTY_JOBS_STORE));
    }

    static String taskKey(String jobId, String taskId) {
        return jobPrefix(jobId) + taskId;
    }

    static String jobPrefix(String jobId) {
        return jobId + SEPARATOR;
    }

    JobSummary summary(String jobId) {
        return summaries.get(jobId);
    }

    void save(JobSummary summary) {
        summaries.put(summary.getJobId(), summary);
    }

    boolean isSeen(String jobId, String taskId) {
        return seenTasks.get(taskKey(jobId, taskId)) != null;
    }

    /** Remembers that a task was counted, with the timestamp of the result that counted it. */
    void markSeen(String jobId, String taskId, long timestamp) {
        seenTasks.put(taskKey(jobId, taskId), timestamp);
    }

    void keepImage(String jobId, String taskId, HashedImage image) {
        images.put(taskKey(jobId, taskId), image);
    }

    /** Hands the images kept for one job to {@code action}, in task id order, one at a time. */
    void forEachImage(String jobId, Consumer<HashedImage> action) {
        try (KeyValueIterator<String, HashedImage> entries = images.prefixScan(jobPrefix(jobId), PREFIX_SERIALIZER)) {
            entries.forEachRemaining(entry -> action.accept(entry.value));
        }
    }

    /** Notes that the job's summary changed since it was last emitted. */
    void markDirty(String jobId, long timestamp) {
        dirtyJobs.putIfAbsent(jobId, timestamp);
    }

    void clearDirty(String jobId) {
        dirtyJobs.delete(jobId);
    }

    /** Jobs whose summary changed since it was last emitted, in job id order. */
    List<String> dirtyJobs() {
        List<String> jobs = new ArrayList<>();
        try (KeyValueIterator<String, Long> entries = dirtyJobs.all()) {
            entries.forEachRemaining(entry -> jobs.add(entry.key));
        }
        return jobs;
    }
}
