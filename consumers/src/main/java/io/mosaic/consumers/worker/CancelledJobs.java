package io.mosaic.consumers.worker;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Cancellation;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs that have been cancelled, as this process learns them from {@code mosaic.jobs} (key
 * jobId): a job record with {@code cancelled} set adds its job, a tombstone removes it. Once
 * cancelled, a job stays cancelled, as it does in the aggregator, even if the same source is
 * submitted again.
 *
 * <p>A {@link TopicFollower} reads every partition of the topic from the beginning, without a
 * consumer group: each worker process needs every cancellation, not a share of them,
 * and the compacted topic holds one small record per job. {@link #start()} returns once the
 * topic has been read to its end, so a worker that starts after a cancellation already skips the
 * job's tasks.
 */
public final class CancelledJobs implements Lifecycle {

    /** The error of the result a worker gives for a task of a cancelled job. */
    public static final String ERROR = Cancellation.ERROR;

    private static final Logger log = LoggerFactory.getLogger(CancelledJobs.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final Topics topics;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final TopicFollower follower;

    public CancelledJobs(MosaicConfig config, Topics topics) {
        this.topics = topics;
        this.follower = new TopicFollower(config, "cancelled-jobs", List.of(topics.jobs().name()), this::apply);
    }

    @Override
    public String name() {
        return "cancelled-jobs follower";
    }

    @Override
    public void start() throws InterruptedException {
        follower.start();
        if (!follower.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
            log.warn("{} not read to its end within {} s; tasks of jobs cancelled earlier may be analysed until it is",
                    topics.jobs().name(), CATCH_UP_TIMEOUT.toSeconds());
        }
    }

    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** What a worker publishes for a task of a cancelled job instead of analysing it: FAILED, {@value #ERROR}. */
    public static ImageResult skipped(ImageTask task, String worker, Instant at) {
        return ImageResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setJobId(task.getJobId())
                .setUri(task.getUri())
                .setWorker(worker)
                .setStatus(ResultStatus.FAILED)
                .setError(ERROR)
                // The image was never fetched.
                .setAttempts(0)
                .setAnalyzedAt(at)
                .build();
    }

    /** Takes one record of the jobs topic into account. */
    void apply(String jobId, ImageJob job) {
        if (jobId == null) {
            return;
        }
        if (job == null) {
            cancelled.remove(jobId);
        } else if (job.getCancelled() && cancelled.add(jobId)) {
            log.info("job {} cancelled: its remaining tasks are answered without analysis", jobId);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        apply(topics.jobs().key(record), record.value() == null ? null : topics.jobs().value(record));
    }

    @Override
    public void stop() {
        follower.stop();
    }
}
