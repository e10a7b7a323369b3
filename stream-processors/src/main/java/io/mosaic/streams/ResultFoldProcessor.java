package io.mosaic.streams;

import io.mosaic.analysis.HashedImage;
import io.mosaic.schemas.Cancellation;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds image results (key jobId) into their job's summary, counting each task id once per job.
 *
 * <p>A summary is not emitted on every result: that would write one summary per image. Instead
 * the job is marked dirty and a wall-clock punctuator emits dirty summaries every progress
 * interval. State transitions are emitted at once: the first result of an unknown job (PENDING)
 * and the result that completes a job (COMPLETED), which also emits the job's near-duplicate
 * groups ({@link AggregatorOutput#completed}).
 */
final class ResultFoldProcessor extends AggregatorProcessor<ImageResult> {

    private static final Logger log = LoggerFactory.getLogger(ResultFoldProcessor.class);

    ResultFoldProcessor(AggregatorSettings settings) {
        super(settings, "result");
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        // Wall-clock, not stream time: progress should show while results trickle in, even when
        // no new record advances stream time.
        context.schedule(settings.progressInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitDirtySummaries());
    }

    @Override
    void fold(String jobId, ImageResult result, long timestamp) {
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
        // A worker answers "job cancelled" only once it has seen the cancelling job record, which
        // reaches this fold a repartition later: the job is cancelled now, so that the answers to
        // its last tasks do not complete it first.
        boolean cancelledNow = summary.getState() == JobState.RUNNING && Cancellation.answers(result);
        if (cancelledNow) {
            JobSummaryFold.cancel(summary, timestamp);
        }
        stores.markSeen(jobId, taskId, timestamp);
        HashedImage image = JobSummaryFold.imageOf(result);
        if (image != null) {
            stores.keepImage(jobId, taskId, image);
        }
        JobSummaryFold.count(summary, result, timestamp);

        if (wasCompleted) {
            log.warn("job {} was COMPLETED with {} tasks, yet a result for task {} arrived; counted, now {} results",
                    jobId, summary.getTaskCount(), taskId, JobSummaryFold.counted(summary));
            output.completed(summary);
        } else if (JobSummaryFold.isComplete(summary)) {
            output.completed(summary);
        } else if (firstOfJob || cancelledNow) {
            output.summary(summary);
        } else {
            stores.save(summary);
            stores.markDirty(jobId, timestamp);
        }
    }

    private void emitDirtySummaries() {
        for (String jobId : stores.dirtyJobs()) {
            JobSummary summary = stores.summary(jobId);
            stores.clearDirty(jobId);
            if (summary != null) {
                output.progress(summary);
            }
        }
    }
}
