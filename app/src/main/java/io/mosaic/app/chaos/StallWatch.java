package io.mosaic.app.chaos;

import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.dashboard.jobs.JobProgress;
import io.mosaic.dashboard.jobs.JobProgressTracker;
import io.mosaic.dashboard.jobs.JobStalls;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the dashboard's jobs table showed of the job during the run: the dashboard's own
 * {@link JobProgressTracker} follows the job's summaries with a stall time short enough for a run
 * of minutes ({@link #STALL_AFTER}), and is asked four times a second whether the job is stalled.
 * Each stall is logged when it is seen and when the job moves again, so that the log puts it
 * beside the fault that caused it; consumer lag shows none of them, as the dispatcher's window
 * keeps the workers' lag near zero.
 */
final class StallWatch implements Lifecycle {

    static final Duration STALL_AFTER = Duration.ofSeconds(5);
    private static final Duration SAMPLE = Duration.ofMillis(250);

    private final JobProgressTracker tracker;
    private final String jobId;
    private final Consumer<String> log;
    private final JobStalls seen = new JobStalls();
    private ScheduledExecutorService sampler;
    private int stalls;
    private long longestMs;

    StallWatch(MosaicConfig config, Topic<String, JobSummary> summaries, String jobId, Consumer<String> log) {
        this.tracker = new JobProgressTracker(config.with(DashboardSettings.JOB_STALL_MS, Long.toString(STALL_AFTER.toMillis())), summaries);
        this.jobId = jobId;
        this.log = log;
    }

    @Override
    public String name() {
        return "dashboard's view of job " + jobId;
    }

    @Override
    public void start() {
        tracker.start();
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chaos-stall-watch");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleWithFixedDelay(this::sample, SAMPLE.toMillis(), SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        List<JobProgress> job = tracker.jobs().stream().filter(j -> j.jobId().equals(jobId)).toList();
        if (job.isEmpty()) {
            return;
        }
        for (JobStalls.Change change : seen.update(job, tracker::stalled, System.currentTimeMillis())) {
            if (!change.ended()) {
                stalls++;
                log.accept(String.format(Locale.ROOT, "  dashboard: job STALLED, no result for %.1f s (%d task(s) at the workers, %d held back)",
                        change.quietMs() / 1e3, change.job().inFlight(), change.job().queued()));
            } else {
                longestMs = Math.max(longestMs, change.quietMs());
                log.accept(String.format(Locale.ROOT, "  dashboard: job moving again after %.1f s without a result", change.quietMs() / 1e3));
            }
        }
    }

    /** {@code jobStalls=N longestJobStall=Xs}, and {@code stalledAtEnd=true} if the last stall never ended. */
    synchronized String describe() {
        return String.format(Locale.ROOT, "jobStalls=%d longestJobStall=%.1fs", stalls, longestMs / 1e3) + (seen.stalledNow() > 0 ? " stalledAtEnd=true" : "");
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
            try {
                sampler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tracker.stop();
    }
}
