package io.mosaic.dashboard.jobs;

import io.mosaic.schemas.JobSummary;
import java.time.Instant;

/**
 * A job's progress as the dashboard shows it, from its latest {@link JobSummary}.
 *
 * @param taskCount -1 until the aggregator has seen the job record
 * @param startedAt epoch milliseconds, or null
 * @param updatedAt epoch milliseconds
 * @param completedAt epoch milliseconds, or null while the job runs
 * @param priority HIGH, NORMAL or BATCH
 * @param queued tasks the dispatcher still holds back
 * @param inFlight tasks in the workers' queue or being analysed
 */
public record JobProgress(String jobId, String state, String source, int taskCount, int succeeded, int failed,
                          int duplicatesIgnored, int blurry, Long startedAt, long updatedAt, Long completedAt,
                          String priority, int queued, int inFlight) {

    public static JobProgress of(JobSummary summary) {
        return new JobProgress(summary.getJobId(), summary.getState().name(), summary.getSource(),
                summary.getTaskCount(), summary.getSucceeded(), summary.getFailed(), summary.getDuplicatesIgnored(),
                summary.getBlurryCount(), millis(summary.getStartedAt()), summary.getUpdatedAt().toEpochMilli(),
                millis(summary.getCompletedAt()), summary.getPriority(), summary.getQueuedTasks(), summary.getInFlightTasks());
    }

    /**
     * Each running job's share of the workers: its tasks in the workers' queue over every running
     * job's. The queue is first in, first out, so that is the part of the workers' time it gets.
     * Jobs with nothing in the queue (completed, or submitted straight to the tasks topic, which the
     * dispatcher does not count) have no share.
     */
    public static java.util.Map<String, Double> shares(java.util.List<JobProgress> jobs) {
        long all = jobs.stream().filter(JobProgress::running).mapToLong(j -> Math.max(0, j.inFlight())).sum();
        java.util.Map<String, Double> shares = new java.util.HashMap<>();
        for (JobProgress j : jobs) {
            if (j.running() && j.inFlight() > 0 && all > 0) {
                shares.put(j.jobId(), (double) j.inFlight() / all);
            }
        }
        return shares;
    }

    /** Tasks with a counted result. */
    public int done() {
        return succeeded + failed;
    }

    /** Share of tasks done, 0 to 1; 0 while the task count is unknown. */
    public double progress() {
        return taskCount > 0 ? Math.min(1.0, done() / (double) taskCount) : 0;
    }

    public boolean running() {
        return !"COMPLETED".equals(state);
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
