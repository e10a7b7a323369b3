package io.mosaic.streams;

import io.mosaic.analysis.HashedImage;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.time.Instant;

/**
 * How one job record or one counted result changes a {@link JobSummary}. No state stores and no
 * Kafka here; the processors decide what is counted and when a summary is emitted.
 */
final class JobSummaryFold {

    /** The task count of a summary whose job record has not been seen yet. */
    static final int UNKNOWN_TASK_COUNT = -1;

    private JobSummaryFold() {
    }

    /** A job known only from its results so far. */
    static JobSummary pending(String jobId, long timestamp) {
        return JobSummary.newBuilder()
                .setJobId(jobId)
                .setState(JobState.PENDING)
                .setTaskCount(UNKNOWN_TASK_COUNT)
                .setUpdatedAt(Instant.ofEpochMilli(timestamp))
                .build();
    }

    static boolean hasJobRecord(JobSummary summary) {
        return summary.getTaskCount() >= 0;
    }

    /** Takes what the job record knows into the summary; the job is RUNNING from now on. */
    static void applyJob(JobSummary summary, ImageJob job, long timestamp) {
        summary.setSource(job.getSource());
        summary.setTaskCount(job.getTaskCount());
        summary.setSkippedCount(job.getSkippedCount());
        summary.setStartedAt(job.getSubmittedAt());
        summary.setPriority(JobPriority.orNormal(job.getPriority()).name());
        summary.setListingMs(job.getListingMs());
        summary.setState(JobState.RUNNING);
        boundQueue(summary);
        touch(summary, timestamp);
    }

    /** Counts one result; the caller has decided that it counts. */
    static void count(JobSummary summary, ImageResult result, long timestamp) {
        summary.setSumBytes(summary.getSumBytes() + result.getBytes());
        summary.setSumFetchMicros(summary.getSumFetchMicros() + result.getFetchMicros());
        summary.setSumDecodeMicros(summary.getSumDecodeMicros() + result.getDecodeMicros());
        summary.setSumAnalysisMicros(summary.getSumAnalysisMicros() + result.getAnalysisMicros());
        if (result.getStatus() == ResultStatus.OK) {
            summary.setSucceeded(summary.getSucceeded() + 1);
            summary.setSumMeanLuma(summary.getSumMeanLuma() + result.getMeanLuma());
            if (result.getBlurry()) {
                summary.setBlurryCount(summary.getBlurryCount() + 1);
            }
        } else {
            summary.setFailed(summary.getFailed() + 1);
        }
        boundQueue(summary);
        touch(summary, timestamp);
    }

    /** Takes the dispatcher's counts: tasks held back, and tasks admitted without a result yet. */
    static void applyAdmission(JobSummary summary, JobAdmission admission) {
        summary.setQueuedTasks(admission.getQueued());
        summary.setInFlightTasks(Math.max(0, admission.getAdmitted() - admission.getResults()));
        boundQueue(summary);
    }

    /**
     * The dispatcher's counts lag the results by up to a second: never more tasks queued and in
     * flight than the job has without a result, so the last result of a job leaves nothing waiting
     * in its summary at once, whatever the dispatcher says later.
     */
    private static void boundQueue(JobSummary summary) {
        if (!hasJobRecord(summary)) {
            return;
        }
        int outstanding = Math.max(0, summary.getTaskCount() - counted(summary));
        summary.setInFlightTasks(Math.min(summary.getInFlightTasks(), outstanding));
        summary.setQueuedTasks(Math.min(summary.getQueuedTasks(), outstanding - summary.getInFlightTasks()));
    }

    static void countDuplicate(JobSummary summary) {
        summary.setDuplicatesIgnored(summary.getDuplicatesIgnored() + 1);
    }

    static int counted(JobSummary summary) {
        return summary.getSucceeded() + summary.getFailed();
    }

    /**
     * Every task has a result. {@code >=} rather than {@code ==} so that a job whose counts
     * overshoot (counting without de-duplication, or a wrong task count) still completes and
     * shows the overshoot, instead of staying RUNNING forever. A cancelled job never completes:
     * its remaining tasks end as results too (FAILED, "job cancelled"), but it was not analysed.
     */
    static boolean isComplete(JobSummary summary) {
        return hasJobRecord(summary) && summary.getState() != JobState.CANCELLED
                && counted(summary) >= summary.getTaskCount();
    }

    /** Marks the job CANCELLED; results that still arrive are counted, as for any job. */
    static void cancel(JobSummary summary, long timestamp) {
        summary.setState(JobState.CANCELLED);
        touch(summary, timestamp);
    }

    /**
     * Marks the job COMPLETED with the number of near-duplicate groups found among its images.
     * Calling it again on a completed job (a result counted late) updates the count and keeps the
     * first completion time. The groups themselves are not in the summary: see
     * {@link AggregatorOutput#completed}.
     */
    static void complete(JobSummary summary, int nearDuplicateGroupCount) {
        summary.setState(JobState.COMPLETED);
        // Nothing of a completed job waits any more, whatever the dispatcher last said.
        summary.setQueuedTasks(0);
        summary.setInFlightTasks(0);
        if (summary.getCompletedAt() == null) {
            summary.setCompletedAt(summary.getUpdatedAt());
        }
        summary.setNearDuplicateGroupCount(nearDuplicateGroupCount);
    }

    /** The image a result leaves behind for near-duplicate grouping, or null for a FAILED result. */
    static HashedImage imageOf(ImageResult result) {
        if (result.getStatus() != ResultStatus.OK) {
            return null;
        }
        String hex = result.getPerceptualHashHex();
        if (hex != null) {
            try {
                long hash = HashHex.parse(hex);
                // Results from before the wide hash carry one hash, which stands for both.
                long wideHash = result.getWideHashHex() == null ? hash : HashHex.parse(result.getWideHashHex());
                return HashedImage.withHashes(result.getUri(), hash, wideHash, result.getBlurry());
            } catch (IllegalArgumentException e) {
                // Written by some other producer: the image is counted, but left out of grouping.
            }
        }
        return HashedImage.withoutHash(result.getUri(), result.getBlurry());
    }

    private static void touch(JobSummary summary, long timestamp) {
        Instant at = Instant.ofEpochMilli(timestamp);
        if (summary.getUpdatedAt() == null || at.isAfter(summary.getUpdatedAt())) {
            summary.setUpdatedAt(at);
        }
    }
}
