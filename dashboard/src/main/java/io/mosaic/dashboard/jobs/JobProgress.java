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
 * @param resultAt epoch milliseconds on the dashboard's clock when the job's finished tasks last
 *                 grew, or when it was first seen: a job that stops moving is seen by this
 *                 dashboard, whatever the aggregator's clock says
 */
public record JobProgress(String jobId, String state, String source, int taskCount, int succeeded, int failed,
                          int duplicatesIgnored, int blurry, Long startedAt, long updatedAt, Long completedAt,
                          String priority, int queued, int inFlight, JobTimes timing, long resultAt) {

    /** The progress {@code summary} shows, received at {@code receivedAt} (epoch milliseconds). */
    public static JobProgress of(JobSummary summary, long receivedAt) {
        return new JobProgress(summary.getJobId(), summary.getState().name(), summary.getSource(),
                summary.getTaskCount(), summary.getSucceeded(), summary.getFailed(), summary.getDuplicatesIgnored(),
                summary.getBlurryCount(), millis(summary.getStartedAt()), summary.getUpdatedAt().toEpochMilli(),
                millis(summary.getCompletedAt()), summary.getPriority(), summary.getQueuedTasks(), summary.getInFlightTasks(),
                JobTimes.of(summary), receivedAt);
    }

    /** This progress, later than {@code earlier}: when its last result came stays {@code earlier}'s unless more tasks are done. */
    JobProgress after(JobProgress earlier) {
        if (done() > earlier.done()) {
            return this;
        }
        return new JobProgress(jobId, state, source, taskCount, succeeded, failed, duplicatesIgnored, blurry, startedAt, updatedAt,
                completedAt, priority, queued, inFlight, timing, earlier.resultAt);
    }

    /**
     * Whether the job is stalled at {@code nowMs}: it runs, has tasks without a result, not all of
     * them held back on purpose by the dispatcher (which lets a small job pass a big one), and no
     * task got a result for longer than {@code stallAfterMs}. Consumer lag cannot show this: with
     * the dispatcher's window the workers' lag stays near zero while a job waits on a worker cut
     * off from the brokers, a stopped aggregator, or a source that never answers.
     */
    public boolean stalled(long nowMs, long stallAfterMs) {
        boolean unfinished = taskCount < 0 || done() < taskCount;
        boolean heldBackOnly = inFlight == 0 && queued > 0;
        return running() && unfinished && !heldBackOnly && nowMs - resultAt > stallAfterMs;
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
