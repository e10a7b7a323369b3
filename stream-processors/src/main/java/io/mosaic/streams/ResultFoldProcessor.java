package io.mosaic.streams;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds image results (key jobId) into their job's summary, counting each task id once per job.
 *
 * <p>A summary is not emitted on every result: that would write one summary per image. Instead
 * the job is marked dirty and a wall-clock punctuator emits dirty summaries every progress
 * interval. State transitions are emitted at once: the first result of an unknown job (PENDING)
 * and the result that completes a job (COMPLETED).
 */
final class ResultFoldProcessor implements Processor<String, ImageResult, String, JobSummary> {

    private static final Logger log = LoggerFactory.getLogger(ResultFoldProcessor.class);

    private final AggregatorSettings settings;
    private ProcessorContext<String, JobSummary> context;
    private AggregatorStores stores;

    ResultFoldProcessor(AggregatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, JobSummary> context) {
        this.context = context;
        this.stores = AggregatorStores.from(context);
        // Wall-clock, not stream time: progress should show while results trickle in, even when
        // no new record advances stream time.
        context.schedule(settings.progressInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitDirtySummaries());
    }

    @Override
    public void process(Record<String, ImageResult> record) {
        String jobId = record.key();
        ImageResult result = record.value();
        if (jobId == null || result == null) {
            log.warn("ignoring result with key {} and value {}", jobId, result);
            return;
        }
        long timestamp = record.timestamp();
        String taskId = result.getTaskId();

        JobSummary summary = stores.summary(jobId);
        boolean firstOfJob = summary == null;
        if (firstOfJob) {
            summary = JobSummaryFold.pending(jobId, timestamp);
        }

        if (settings.deduplicate() && stores.isSeen(jobId, taskId)) {
            // Produced twice (a resubmitted job, a worker that finished after it was fenced):
            // counted once already.
            JobSummaryFold.countDuplicate(summary);
            stores.save(summary);
            stores.markDirty(jobId, timestamp);
            return;
        }

        boolean wasCompleted = summary.getState() == JobState.COMPLETED;
        stores.markSeen(jobId, taskId, timestamp);
        HashedImage image = JobSummaryFold.imageOf(result);
        if (image != null) {
            stores.keepImage(jobId, taskId, image);
        }
        JobSummaryFold.count(summary, result, timestamp);

        if (wasCompleted) {
            log.warn("job {} was COMPLETED with {} tasks, yet a result for task {} arrived; counted, now {} results",
                    jobId, summary.getTaskCount(), taskId, JobSummaryFold.counted(summary));
            JobSummaryFold.complete(summary, stores.images(jobId), settings.nearDuplicateDistance());
            emit(summary);
        } else if (JobSummaryFold.isComplete(summary)) {
            JobSummaryFold.complete(summary, stores.images(jobId), settings.nearDuplicateDistance());
            emit(summary);
        } else if (firstOfJob) {
            emit(summary);
        } else {
            stores.save(summary);
            stores.markDirty(jobId, timestamp);
        }
    }

    private void emit(JobSummary summary) {
        stores.save(summary);
        stores.clearDirty(summary.getJobId());
        context.forward(new Record<>(summary.getJobId(), summary, summary.getUpdatedAt().toEpochMilli()));
    }

    private void emitDirtySummaries() {
        for (String jobId : stores.dirtyJobs()) {
            JobSummary summary = stores.summary(jobId);
            stores.clearDirty(jobId);
            if (summary != null) {
                context.forward(new Record<>(jobId, summary, summary.getUpdatedAt().toEpochMilli()));
            }
        }
    }
}
