package io.mosaic.dashboard.jobs;

import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topic;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows job progress for the dashboard.
 *
 * <p>Reads {@code mosaic.job-summaries} (key jobId, value {@link JobSummary}, read_committed) from
 * the beginning, with every partition assigned and no consumer group: it commits nothing, and it
 * does not appear among the groups the dashboard monitors. Keeps the latest summary of the
 * {@value #MAX_JOBS} most recently updated jobs, in memory, and when each last got a result, on
 * this dashboard's clock: a running job with no result for {@code dashboard.job.stall.ms} is
 * {@link JobProgress#stalled stalled}.
 */
public final class JobProgressTracker implements Lifecycle {

    static final int MAX_JOBS = 200;
    /** Images per second are measured over this span. */
    private static final long RATE_SPAN_MS = 10_000;

    private final Topic<String, JobSummary> summaries;
    private final Map<String, JobProgress> jobs = new ConcurrentHashMap<>();
    private final Deque<long[]> doneSamples = new ArrayDeque<>();
    private final TopicFollower follower;
    private final long stallAfterMs;
    private final LongSupplier clock;

    /** A tracker whose jobs stall after {@link DashboardSettings#JOB_STALL_MS} without a result. */
    public JobProgressTracker(MosaicConfig config, Topic<String, JobSummary> summaries) {
        this(config, summaries, config.get(DashboardSettings.JOB_STALL_MS), System::currentTimeMillis);
    }

    JobProgressTracker(MosaicConfig config, Topic<String, JobSummary> summaries, long stallAfterMs, LongSupplier clock) {
        this.summaries = summaries;
        this.stallAfterMs = stallAfterMs;
        this.clock = clock;
        this.follower = new TopicFollower(config, "dashboard-jobs", List.of(summaries.name()), new TopicFollower.Handler() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                if (record.value() != null) {
                    JobProgressTracker.this.accept(summaries.value(record));
                }
            }

            @Override
            public void afterPoll(boolean caughtUp) {
                // Summaries written before the dashboard started are history, not throughput.
                if (caughtUp) {
                    sample(System.currentTimeMillis());
                }
            }
        });
    }

    @Override
    public String name() {
        return "job progress (" + summaries.name() + ")";
    }

    @Override
    public void start() {
        follower.start();
    }

    /** Jobs, running first, then by the latest update, newest first. */
    public List<JobProgress> jobs() {
        return jobs.values().stream()
                .sorted(Comparator.comparing(JobProgress::running).reversed()
                        .thenComparing(Comparator.comparingLong(JobProgress::updatedAt).reversed()))
                .toList();
    }

    public long runningJobs() {
        return jobs.values().stream().filter(JobProgress::running).count();
    }

    /** The time on this tracker's clock, which judges stalls and stamps results. */
    public long now() {
        return clock.getAsLong();
    }

    /** Whether {@code job} is stalled now ({@link JobProgress#stalled}). */
    public boolean stalled(JobProgress job) {
        return job.stalled(clock.getAsLong(), stallAfterMs);
    }

    /** How long ago, in milliseconds, {@code job} last got a result (or was first seen). */
    public long sinceResultMs(JobProgress job) {
        return Math.max(0, clock.getAsLong() - job.resultAt());
    }

    public long stalledJobs() {
        return jobs.values().stream().filter(this::stalled).count();
    }

    /** Tasks finished per second, across jobs, over the last ten seconds. */
    public synchronized double imagesPerSecond() {
        if (doneSamples.size() < 2) {
            return 0;
        }
        long[] first = doneSamples.peekFirst();
        long[] last = doneSamples.peekLast();
        long dt = last[0] - first[0];
        return dt <= 0 ? 0 : Math.max(0, last[1] - first[1]) * 1000.0 / dt;
    }

    /** Records what a summary says; visible for tests. */
    void accept(JobSummary summary) {
        JobProgress progress = JobProgress.of(summary, clock.getAsLong());
        jobs.merge(progress.jobId(), progress, (old, next) -> next.updatedAt() >= old.updatedAt() ? next.after(old) : old);
        if (jobs.size() > MAX_JOBS) {
            jobs.values().stream().min(Comparator.comparingLong(JobProgress::updatedAt))
                    .ifPresent(oldest -> jobs.remove(oldest.jobId()));
        }
    }

    /** Samples the total of finished tasks for {@link #imagesPerSecond()}; visible for tests. */
    synchronized void sample(long nowMs) {
        long done = jobs.values().stream().mapToLong(JobProgress::done).sum();
        doneSamples.addLast(new long[] {nowMs, done});
        while (doneSamples.size() > 2 && nowMs - doneSamples.peekFirst()[0] > RATE_SPAN_MS) {
            doneSamples.removeFirst();
        }
    }

    @Override
    public void stop() {
        follower.stop();
    }
}
