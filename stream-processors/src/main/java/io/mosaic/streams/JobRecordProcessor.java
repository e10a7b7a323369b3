package io.mosaic.streams;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds job records (key jobId) into the job's summary: a new job becomes RUNNING, a job known
 * only from its results goes from PENDING to RUNNING, and a job whose results are all in
 * completes at once. Each of those is a state transition and is emitted immediately.
 *
 * <p>The first job record wins: a resubmitted job (same job id) changes nothing, since its tasks
 * and results carry the same task ids and are de-duplicated. The one exception is a record with
 * {@code cancelled} set, which turns a RUNNING job CANCELLED.
 */
final class JobRecordProcessor extends AggregatorProcessor<ImageJob> {

    private static final Logger log = LoggerFactory.getLogger(JobRecordProcessor.class);

    JobRecordProcessor(AggregatorSettings settings) {
        super(settings, "job record");
    }

    @Override
    void fold(String jobId, ImageJob job, long timestamp) {
        if (!jobId.equals(job.getJobId())) {
            log.warn("job record keyed {} names job {}; the key decides the job", jobId, job.getJobId());
        }
        if (job.getTaskCount() < 0) {
            log.warn("ignoring job record {} with negative task count {}", jobId, job.getTaskCount());
            return;
        }

        JobSummary summary = stores.summary(jobId);
        if (summary == null) {
            summary = JobSummaryFold.pending(jobId, timestamp);
        } else if (JobSummaryFold.hasJobRecord(summary)) {
            if (job.getCancelled()) {
                cancel(summary, timestamp);
                return;
            }
            if (summary.getTaskCount() != job.getTaskCount()) {
                log.warn("job {} submitted again with {} tasks; keeping the first record's {} tasks",
                        jobId, job.getTaskCount(), summary.getTaskCount());
            } else {
                log.debug("job {} submitted again; its results will be de-duplicated", jobId);
            }
            return;
        }

        JobSummaryFold.applyJob(summary, job, timestamp);
        if (JobSummaryFold.isComplete(summary)) {
            if (JobSummaryFold.counted(summary) > summary.getTaskCount()) {
                log.warn("job {} has {} tasks but {} results were already counted", jobId,
                        summary.getTaskCount(), JobSummaryFold.counted(summary));
            }
            output.completed(summary);
        } else {
            if (job.getCancelled()) {
                // Compaction may have left only the cancelling record of a job.
                JobSummaryFold.cancel(summary, timestamp);
            }
            output.summary(summary);
        }
    }

    /** A cancellation takes effect on a running job; a completed or cancelled one stays as it is. */
    private void cancel(JobSummary summary, long timestamp) {
        if (summary.getState() != JobState.RUNNING) {
            log.info("job {} is {}; its cancellation changes nothing", summary.getJobId(), summary.getState());
            return;
        }
        JobSummaryFold.cancel(summary, timestamp);
        output.summary(summary);
    }
}
