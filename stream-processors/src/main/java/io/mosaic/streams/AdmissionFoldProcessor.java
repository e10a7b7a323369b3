package io.mosaic.streams;

import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;

/**
 * Copies the dispatcher's counts of a job (key jobId, {@link JobAdmission}) into its summary: the
 * tasks it still holds back and the tasks in the workers' queue. Emitted with the next progress
 * update, not at once. A COMPLETED job's summary is final and is left alone.
 */
final class AdmissionFoldProcessor extends AggregatorProcessor<JobAdmission> {

    AdmissionFoldProcessor(AggregatorSettings settings) {
        super(settings, "job admission");
    }

    @Override
    void fold(String jobId, JobAdmission admission, long timestamp) {
        JobSummary summary = stores.summary(jobId);
        if (summary == null) {
            summary = JobSummaryFold.pending(jobId, timestamp);
        } else if (summary.getState() == JobState.COMPLETED) {
            return;
        }
        JobSummaryFold.applyAdmission(summary, admission);
        stores.save(summary);
        stores.markDirty(jobId, timestamp);
    }
}
