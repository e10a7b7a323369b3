package io.mosaic.dashboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.JobTimes;
import io.mosaic.schemas.Topic;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class JobProgressTrackerTest {

    private final JobProgressTracker tracker = new JobProgressTracker(MosaicConfig.defaults(),
            new Topic<String, JobSummary>("mosaic.job-summaries", 1, Map.of(), Serdes.String(), null));

    @Test
    void keepsTheLatestSummaryOfEachJobRunningJobsFirst() {
        tracker.accept(summary("a", JobState.COMPLETED, 10, 10, 5_000));
        tracker.accept(summary("b", JobState.RUNNING, 40, 10, 3_000));
        tracker.accept(summary("b", JobState.RUNNING, 40, 30, 4_000));
        // A summary older than the one held is a late duplicate, not progress.
        tracker.accept(summary("b", JobState.RUNNING, 40, 20, 3_500));

        assertThat(tracker.jobs()).extracting(JobProgress::jobId).containsExactly("b", "a");
        JobProgress b = tracker.jobs().get(0);
        assertThat(b.done()).isEqualTo(30);
        assertThat(b.progress()).isCloseTo(0.75, within(1e-9));
        assertThat(tracker.runningJobs()).isEqualTo(1);
    }

    @Test
    void measuresImagesPerSecondFromTheGrowthOfFinishedTasks() {
        tracker.accept(summary("a", JobState.RUNNING, 100, 10, 1_000));
        tracker.sample(1_000);
        tracker.accept(summary("a", JobState.RUNNING, 100, 30, 2_000));
        tracker.sample(3_000);
        tracker.accept(summary("a", JobState.RUNNING, 100, 50, 3_000));
        tracker.sample(5_000);

        assertThat(tracker.imagesPerSecond()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void aJobWhoseTaskCountIsUnknownHasNoProgressYet() {
        tracker.accept(summary("p", JobState.PENDING, -1, 3, 1_000));

        assertThat(tracker.jobs().get(0).progress()).isZero();
    }

    @Test
    void eachRunningJobsShareIsItsPartOfTheWorkersQueue() {
        JobSummary big = summary("big", JobState.RUNNING, 30_000, 100, 1_000);
        big.setQueuedTasks(28_000);
        big.setInFlightTasks(1_000);
        JobSummary small = summary("small", JobState.RUNNING, 10, 0, 1_000);
        small.setInFlightTasks(10);
        small.setPriority("HIGH");
        JobSummary done = summary("done", JobState.COMPLETED, 10, 10, 1_000);
        JobSummary direct = summary("direct", JobState.RUNNING, 10, 0, 1_000);
        tracker.accept(big);
        tracker.accept(small);
        tracker.accept(done);
        tracker.accept(direct);

        Map<String, Double> shares = JobProgress.shares(tracker.jobs());
        assertThat(shares).containsOnlyKeys("big", "small");
        assertThat(shares.get("big")).isCloseTo(1_000 / 1_010.0, within(1e-9));
        assertThat(shares.get("small")).isCloseTo(10 / 1_010.0, within(1e-9));
        JobProgress smallJob = tracker.jobs().stream().filter(j -> j.jobId().equals("small")).findFirst().orElseThrow();
        assertThat(smallJob.priority()).isEqualTo("HIGH");
        assertThat(smallJob.queued() + smallJob.inFlight()).isEqualTo(10);
    }

    @Test
    void timesArePerImageSoASlowStoreStandsOut() {
        JobSummary slow = summary("s3", JobState.RUNNING, 100, 40, 1_000);
        slow.setListingMs(1_250);
        slow.setSumFetchMicros(40 * 80_000L);
        slow.setSumDecodeMicros(40 * 2_500L);
        slow.setSumAnalysisMicros(40 * 1_000L);
        tracker.accept(slow);

        JobTimes timing = tracker.jobs().get(0).timing();
        assertThat(timing.listingMs()).isEqualTo(1_250);
        assertThat(timing.fetchMs()).isCloseTo(80.0, within(1e-9));
        assertThat(timing.decodeMs()).isCloseTo(2.5, within(1e-9));
        assertThat(timing.analysisMs()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aRunningJobWithTasksAtTheWorkersAndNoResultForTheStallTimeIsStalledUntilOneComes() {
        AtomicLong now = new AtomicLong(100_000);
        JobProgressTracker clocked = new JobProgressTracker(MosaicConfig.defaults(),
                new Topic<String, JobSummary>("mosaic.job-summaries", 1, Map.of(), Serdes.String(), null), 30_000, now::get);
        clocked.accept(inFlight(summary("cut", JobState.RUNNING, 100, 40, 1_000), 2));

        now.addAndGet(20_000);
        // A summary that counts no new result (the dispatcher's queue changed) is not progress.
        JobSummary sameCount = inFlight(summary("cut", JobState.RUNNING, 100, 40, 2_000), 2);
        sameCount.setQueuedTasks(58);
        clocked.accept(sameCount);
        assertThat(clocked.stalled(only(clocked))).isFalse();
        now.addAndGet(10_001);
        assertThat(clocked.stalled(only(clocked))).isTrue();
        assertThat(clocked.sinceResultMs(only(clocked))).isEqualTo(30_001);
        assertThat(clocked.stalledJobs()).isEqualTo(1);

        clocked.accept(inFlight(summary("cut", JobState.RUNNING, 100, 41, 3_000), 2));
        assertThat(clocked.stalled(only(clocked))).isFalse();
        assertThat(clocked.sinceResultMs(only(clocked))).isZero();
    }

    @Test
    void aJobHeldBackByTheDispatcherOrCompletedIsNotStalled() {
        AtomicLong now = new AtomicLong(100_000);
        JobProgressTracker clocked = new JobProgressTracker(MosaicConfig.defaults(),
                new Topic<String, JobSummary>("mosaic.job-summaries", 1, Map.of(), Serdes.String(), null), 30_000, now::get);
        JobSummary waiting = summary("batch", JobState.RUNNING, 100, 0, 1_000);
        waiting.setQueuedTasks(100);
        clocked.accept(waiting);
        clocked.accept(summary("done", JobState.COMPLETED, 10, 10, 1_000));
        // Without the dispatcher's counts, unfinished tasks are somewhere outside it.
        clocked.accept(summary("direct", JobState.RUNNING, 10, 3, 1_000));
        now.addAndGet(60_000);

        assertThat(clocked.jobs()).filteredOn(clocked::stalled).extracting(JobProgress::jobId).containsExactly("direct");
    }

    private static JobProgress only(JobProgressTracker tracker) {
        assertThat(tracker.jobs()).hasSize(1);
        return tracker.jobs().get(0);
    }

    private static JobSummary inFlight(JobSummary summary, int tasks) {
        summary.setInFlightTasks(tasks);
        return summary;
    }

    private static JobSummary summary(String jobId, JobState state, int taskCount, int succeeded, long updatedAt) {
        return JobSummary.newBuilder()
                .setJobId(jobId)
                .setState(state)
                .setTaskCount(taskCount)
                .setSucceeded(succeeded)
                .setUpdatedAt(Instant.ofEpochMilli(updatedAt))
                .build();
    }
}
