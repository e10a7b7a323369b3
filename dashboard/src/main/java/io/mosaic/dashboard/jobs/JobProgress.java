package io.mosaic.dashboard.jobs;

import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.JobTimes;
import io.mosaic.schemas.WorkerShares;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
                          String priority, int queued, int inFlight, JobTimes timing) {

    public static JobProgress of(JobSummary summary) {
        return new JobProgress(summary.getJobId(), summary.getState().name(), summary.getSource(),
                summary.getTaskCount(), summary.getSucceeded(), summary.getFailed(), summary.getDuplicatesIgnored(),
                summary.getBlurryCount(), millis(summary.getStartedAt()), summary.getUpdatedAt().toEpochMilli(),
                millis(summary.getCompletedAt()), summary.getPriority(), summary.getQueuedTasks(), summary.getInFlightTasks(),
                JobTimes.of(summary));
    }

    /** Each running job's share of the workers ({@link WorkerShares}). */
    public static Map<String, Double> shares(List<JobProgress> jobs) {
        Map<String, Integer> inFlight = new HashMap<>();
        jobs.stream().filter(JobProgress::running).forEach(j -> inFlight.put(j.jobId(), j.inFlight()));
        return WorkerShares.of(inFlight);
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
