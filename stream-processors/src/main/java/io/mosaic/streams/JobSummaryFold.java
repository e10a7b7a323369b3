package io.mosaic.streams;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

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
                .setBlurry(List.of())
                .setNearDuplicateGroups(List.of())
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
        summary.setState(JobState.RUNNING);
        touch(summary, timestamp);
    }

    /** Counts one result; the caller has decided that it counts. */
    static void count(JobSummary summary, ImageResult result, long timestamp) {
        if (result.getStatus() == ResultStatus.OK) {
            summary.setSucceeded(summary.getSucceeded() + 1);
            summary.setSumMeanLuma(summary.getSumMeanLuma() + result.getMeanLuma());
            if (result.getBlurry()) {
                summary.setBlurryCount(summary.getBlurryCount() + 1);
            }
        } else {
            summary.setFailed(summary.getFailed() + 1);
        }
        touch(summary, timestamp);
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
     * shows the overshoot, instead of staying RUNNING forever.
     */
    static boolean isComplete(JobSummary summary) {
        return hasJobRecord(summary) && counted(summary) >= summary.getTaskCount();
    }

    /**
     * Marks the job COMPLETED and fills in the lists that need every image of the job. Calling it
     * again on a completed job recomputes the lists and keeps the first completion time.
     */
    static void complete(JobSummary summary, Collection<HashedImage> images, int nearDuplicateDistance) {
        summary.setState(JobState.COMPLETED);
        if (summary.getCompletedAt() == null) {
            summary.setCompletedAt(summary.getUpdatedAt());
        }
        summary.setBlurry(images.stream().filter(HashedImage::blurry).map(HashedImage::uri).sorted().distinct().toList());
        summary.setNearDuplicateGroups(NearDuplicateGrouper.groups(images, nearDuplicateDistance));
    }

    /** The image a result leaves behind for the completion lists, or null for a FAILED result. */
    static HashedImage imageOf(ImageResult result) {
        if (result.getStatus() != ResultStatus.OK) {
            return null;
        }
        Long hash = result.getPerceptualHash();
        return hash == null
                ? HashedImage.withoutHash(result.getUri(), result.getBlurry())
                : HashedImage.withHash(result.getUri(), hash, result.getBlurry());
    }

    private static void touch(JobSummary summary, long timestamp) {
        Instant at = Instant.ofEpochMilli(timestamp);
        if (summary.getUpdatedAt() == null || at.isAfter(summary.getUpdatedAt())) {
            summary.setUpdatedAt(at);
        }
    }
}
