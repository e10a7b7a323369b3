package io.mosaic.streams;

import static io.mosaic.streams.AggregatorTestDriver.PROGRESS;
import static io.mosaic.streams.AggregatorTestDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateChunks;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobAggregatorTopologyTest {

    @TempDir
    Path stateDir;

    private AggregatorTestDriver aggregator;
    private int runs;

    @AfterEach
    void closeDriver() {
        if (aggregator != null) {
            aggregator.close();
        }
    }

    private void start(AggregatorSettings settings) {
        aggregator = new AggregatorTestDriver(settings, stateDir.resolve("run-" + runs++), T0);
    }

    private void restart(AggregatorSettings settings) {
        aggregator.driver.close();
        start(settings);
    }

    // ---------------------------------------------------------------- inputs

    private static ImageJob job(String jobId, int taskCount, int skipped) {
        return ImageJob.newBuilder()
                .setJobId(jobId)
                .setSource("file:/photos/" + jobId + "/")
                .setTaskCount(taskCount)
                .setSkippedCount(skipped)
                .setSubmittedAt(T0)
                .build();
    }

    private static String uri(String jobId, int task) {
        return String.format("file:/photos/%s/img-%02d.jpg", jobId, task);
    }

    private static ImageResult.Builder result(String jobId, int task) {
        return ImageResult.newBuilder()
                .setJobId(jobId)
                .setTaskId(jobId + "-task-" + task)
                .setUri(uri(jobId, task))
                .setAnalyzedAt(T0);
    }

    private static ImageResult ok(String jobId, int task, double meanLuma, boolean blurry, long hash) {
        return result(jobId, task).setStatus(ResultStatus.OK).setMeanLuma(meanLuma).setBlurry(blurry)
                .setPerceptualHashHex(HashHex.of(hash)).build();
    }

    private static ImageResult failed(String jobId, int task) {
        return result(jobId, task).setStatus(ResultStatus.FAILED).setError("cannot decode").build();
    }

    /** Hashes far apart from each other (distance 32 or more), so no accidental near-duplicates. */
    private static long distinctHash(int task) {
        return (task + 1) * 0x0101_0101_0101_0101L ^ 0x5555_5555_0000_0000L * task;
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    /**
     * Ten tasks: 0 to 6 OK with mean luma task / 10 (sum 2.1), 1 and 3 blurry; 7 to 9 FAILED.
     */
    private static List<ImageResult> tenResults(String jobId) {
        List<ImageResult> list = new ArrayList<>();
        for (int task = 0; task < 7; task++) {
            list.add(ok(jobId, task, task / 10.0, task == 1 || task == 3, (long) task << 40));
        }
        for (int task = 7; task < 10; task++) {
            list.add(failed(jobId, task));
        }
        return list;
    }

    private List<JobSummary> output() {
        List<JobSummary> values = new ArrayList<>();
        aggregator.summaries.readKeyValuesToList().forEach(kv -> {
            assertThat(kv.key).isEqualTo(kv.value.getJobId());
            values.add(kv.value);
        });
        return values;
    }

    private static List<JobState> states(List<JobSummary> list) {
        return list.stream().map(JobSummary::getState).toList();
    }

    private static JobSummary last(List<JobSummary> list) {
        assertThat(list).isNotEmpty();
        return list.get(list.size() - 1);
    }

    /** The groups of {@code jobId}'s latest set of chunks emitted so far, joined. */
    private List<List<String>> joinedGroups(String jobId) {
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList().stream()
                .filter(chunk -> chunk.getJobId().equals(jobId)).toList();
        assertThat(chunks).isNotEmpty();
        int latest = chunks.stream().mapToInt(NearDuplicateGroups::getCountedResults).max().orElseThrow();
        return NearDuplicateChunks.join(chunks.stream().filter(chunk -> chunk.getCountedResults() == latest).toList());
    }

    // ---------------------------------------------------------------- tests

    @Test
    void jobWithAllResultsCompletesOnceWithExactCounts() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("job-1", job("job-1", 10, 2), at(0));
        List<ImageResult> input = tenResults("job-1");
        for (int i = 0; i < input.size(); i++) {
            aggregator.results.pipeInput("job-1", input.get(i), at(100 + i));
        }

        List<JobSummary> out = output();
        assertThat(states(out)).containsExactly(JobState.RUNNING, JobState.COMPLETED);
        JobSummary done = last(out);
        assertThat(done.getTaskCount()).isEqualTo(10);
        assertThat(done.getSkippedCount()).isEqualTo(2);
        assertThat(done.getSource()).isEqualTo("file:/photos/job-1/");
        assertThat(done.getSucceeded()).isEqualTo(7);
        assertThat(done.getFailed()).isEqualTo(3);
        assertThat(done.getBlurryCount()).isEqualTo(2);
        assertThat(done.getDuplicatesIgnored()).isZero();
        assertThat(done.getSumMeanLuma()).isCloseTo(2.1, within(1e-9));
        assertThat(done.getStartedAt()).isEqualTo(T0);
        assertThat(done.getCompletedAt()).isEqualTo(at(109));
        assertThat(done.getUpdatedAt()).isEqualTo(at(109));
        // Hashes task << 40 for tasks 0 to 6 differ in at most three bits: one group of seven.
        assertThat(done.getNearDuplicateGroupCount()).isEqualTo(1);
        assertThat(joinedGroups("job-1")).containsExactly(List.of(uri("job-1", 0), uri("job-1", 1), uri("job-1", 2),
                uri("job-1", 3), uri("job-1", 4), uri("job-1", 5), uri("job-1", 6)));

        // Nothing left to emit: progress ticks after completion add nothing.
        aggregator.driver.advanceWallClockTime(PROGRESS.multipliedBy(3));
        assertThat(aggregator.summaries.isEmpty()).isTrue();

        // The store the interactive query reads holds the same summary.
        KeyValueStore<String, JobSummary> store = aggregator.driver.getKeyValueStore(JobAggregatorTopology.JOB_SUMMARIES_STORE);
        assertThat(store.get("job-1")).isEqualTo(done);
    }

    @Test
    void jobsAreFoldedIndependently() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("a", job("a", 2, 0), at(0));
        aggregator.jobs.pipeInput("b", job("b", 1, 0), at(0));
        aggregator.results.pipeInput("a", ok("a", 0, 0.5, false, 1L), at(10));
        aggregator.results.pipeInput("b", failed("b", 0), at(11));
        aggregator.results.pipeInput("a", failed("a", 1), at(12));

        Map<String, JobSummary> latest = aggregator.summaries.readKeyValuesToMap();
        assertThat(latest).containsOnlyKeys("a", "b");
        assertThat(latest.get("a").getState()).isEqualTo(JobState.COMPLETED);
        assertThat(latest.get("a").getSucceeded()).isEqualTo(1);
        assertThat(latest.get("a").getFailed()).isEqualTo(1);
        assertThat(latest.get("b").getState()).isEqualTo(JobState.COMPLETED);
        assertThat(latest.get("b").getSucceeded()).isZero();
        assertThat(latest.get("b").getFailed()).isEqualTo(1);
    }

    /** A duplicated result, then the whole job submitted again: 6 tasks, 13 aggregator.results. */
    private void pipeJobWithDuplicates() {
        aggregator.jobs.pipeInput("job-d", job("job-d", 6, 0), at(0));
        for (int task = 0; task < 6; task++) {
            aggregator.results.pipeInput("job-d", ok("job-d", task, 0.5, task == 0, distinctHash(task)), at(100 + task));
            if (task == 2) {
                aggregator.results.pipeInput("job-d", ok("job-d", task, 0.5, false, distinctHash(task)), at(200));
            }
        }
        aggregator.jobs.pipeInput("job-d", job("job-d", 6, 0), at(1000));
        for (int task = 0; task < 6; task++) {
            aggregator.results.pipeInput("job-d", ok("job-d", task, 0.5, task == 0, distinctHash(task)), at(1100 + task));
        }
        aggregator.driver.advanceWallClockTime(PROGRESS);
    }

    @Test
    void duplicateResultsAndResubmittedJobsAreCountedOnce() {
        start(AggregatorSettings.defaults());
        pipeJobWithDuplicates();

        List<JobSummary> out = output();
        assertThat(out).allSatisfy(summary -> {
            assertThat(summary.getSucceeded() + summary.getFailed()).isLessThanOrEqualTo(6);
            assertThat(summary.getBlurryCount()).isLessThanOrEqualTo(1);
        });
        JobSummary latest = last(out);
        assertThat(latest.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(latest.getSucceeded()).isEqualTo(6);
        assertThat(latest.getFailed()).isZero();
        assertThat(latest.getBlurryCount()).isEqualTo(1);
        assertThat(latest.getSumMeanLuma()).isCloseTo(3.0, within(1e-9));
        assertThat(latest.getDuplicatesIgnored()).isEqualTo(7);
        assertThat(latest.getTaskCount()).isEqualTo(6);
        // Completion time stays that of the sixth distinct task, not of a later duplicate.
        assertThat(latest.getCompletedAt()).isEqualTo(at(105));
        assertThat(latest.getNearDuplicateGroupCount()).isZero();
        // Completed once, so one set of groups, however many duplicates came after.
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList();
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).getCountedResults()).isEqualTo(6);
        assertThat(chunks.get(0).getGroups()).isEmpty();
    }

    @Test
    void withoutDeduplicationTheSameInputOverCounts() {
        start(AggregatorSettings.defaults().withDeduplicate(false));
        pipeJobWithDuplicates();

        JobSummary latest = last(output());
        assertThat(latest.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(latest.getSucceeded()).isEqualTo(13);
        assertThat(latest.getSucceeded() + latest.getFailed()).isGreaterThan(latest.getTaskCount());
        assertThat(latest.getDuplicatesIgnored()).isZero();
    }

    @Test
    void resultsBeforeTheJobRecordArePendingThenComplete() {
        start(AggregatorSettings.defaults());
        List<ImageResult> input = tenResults("early");
        for (int i = 0; i < input.size(); i++) {
            aggregator.results.pipeInput("early", input.get(i), at(100 + i));
        }
        List<JobSummary> beforeJob = output();
        assertThat(states(beforeJob)).containsExactly(JobState.PENDING);
        assertThat(beforeJob.get(0).getTaskCount()).isEqualTo(-1);
        assertThat(beforeJob.get(0).getSource()).isNull();
        assertThat(beforeJob.get(0).getSucceeded()).isEqualTo(1);

        // The job record names the count; every task has a result, so it completes at once.
        aggregator.jobs.pipeInput("early", job("early", 10, 1), at(50));
        List<JobSummary> afterJob = output();
        assertThat(states(afterJob)).containsExactly(JobState.COMPLETED);
        JobSummary done = afterJob.get(0);
        assertThat(done.getTaskCount()).isEqualTo(10);
        assertThat(done.getSkippedCount()).isEqualTo(1);
        assertThat(done.getSource()).isEqualTo("file:/photos/early/");
        assertThat(done.getStartedAt()).isEqualTo(T0);
        assertThat(done.getSucceeded()).isEqualTo(7);
        assertThat(done.getFailed()).isEqualTo(3);
        assertThat(done.getBlurryCount()).isEqualTo(2);
        assertThat(done.getSumMeanLuma()).isCloseTo(2.1, within(1e-9));
        assertThat(done.getNearDuplicateGroupCount()).isEqualTo(1);
        assertThat(joinedGroups("early")).hasSize(1);
        // The job record is older than the results: the latest time seen is the last result's.
        assertThat(done.getUpdatedAt()).isEqualTo(at(109));
        assertThat(done.getCompletedAt()).isEqualTo(at(109));
    }

    @Test
    void someResultsBeforeTheJobRecordGoPendingRunningCompleted() {
        start(AggregatorSettings.defaults());
        aggregator.results.pipeInput("mixed", ok("mixed", 0, 0.2, false, distinctHash(0)), at(10));
        aggregator.results.pipeInput("mixed", failed("mixed", 1), at(11));
        aggregator.driver.advanceWallClockTime(PROGRESS);
        aggregator.jobs.pipeInput("mixed", job("mixed", 3, 0), at(12));
        aggregator.results.pipeInput("mixed", ok("mixed", 2, 0.4, true, distinctHash(2)), at(13));

        List<JobSummary> out = output();
        assertThat(states(out)).containsExactly(JobState.PENDING, JobState.PENDING, JobState.RUNNING, JobState.COMPLETED);
        assertThat(out.get(1).getSucceeded() + out.get(1).getFailed()).isEqualTo(2);
        assertThat(out.get(2).getTaskCount()).isEqualTo(3);
        assertThat(out.get(2).getSucceeded() + out.get(2).getFailed()).isEqualTo(2);
        JobSummary done = out.get(3);
        assertThat(done.getSucceeded()).isEqualTo(2);
        assertThat(done.getFailed()).isEqualTo(1);
        assertThat(done.getSumMeanLuma()).isCloseTo(0.6, within(1e-9));
        assertThat(done.getBlurryCount()).isEqualTo(1);
    }

    @Test
    void jobWithoutTasksCompletesWithItsRecord() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("empty", job("empty", 0, 4), at(5));

        List<JobSummary> out = output();
        assertThat(states(out)).containsExactly(JobState.COMPLETED);
        assertThat(out.get(0).getSkippedCount()).isEqualTo(4);
        assertThat(out.get(0).getCompletedAt()).isEqualTo(at(5));
        assertThat(out.get(0).getNearDuplicateGroupCount()).isZero();
        // Even without groups, one (empty) chunk: a reader knows it has them all.
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList();
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).getChunkCount()).isEqualTo(1);
        assertThat(chunks.get(0).getCountedResults()).isZero();
        assertThat(chunks.get(0).getGroups()).isEmpty();
    }

    /**
     * Seven images: a0/a1 three bits apart, b0/b1 five bits apart, c and d at least 32 bits
     * from everything; c and a1 blurry; one FAILED; one OK without a hash but blurry.
     */
    private void pipeImagesWithNearDuplicates(String jobId) {
        long a = 0L;
        long b = 0xFFFF_0000_FFFF_0000L;
        List<ImageResult> input = List.of(
                result(jobId, 0).setUri("file:/a0.jpg").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(a)).build(),
                result(jobId, 1).setUri("file:/b1.png").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(b ^ 0b1_1111L)).build(),
                result(jobId, 2).setUri("file:/c.jpg").setStatus(ResultStatus.OK).setBlurry(true)
                        .setPerceptualHashHex(HashHex.of(0x5555_5555_5555_5555L)).build(),
                result(jobId, 3).setUri("file:/a1.jpg").setStatus(ResultStatus.OK).setBlurry(true)
                        .setPerceptualHashHex(HashHex.of(a ^ 0b1011L)).build(),
                result(jobId, 4).setUri("file:/bad.jpg").setStatus(ResultStatus.FAILED).setError("truncated").build(),
                result(jobId, 5).setUri("file:/b0.png").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(b)).build(),
                result(jobId, 6).setUri("file:/d.jpg").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(0x3333_3333_3333_3333L)).build(),
                result(jobId, 7).setUri("file:/unhashed.jpg").setStatus(ResultStatus.OK).setBlurry(true).build());
        aggregator.jobs.pipeInput(jobId, job(jobId, input.size(), 0), at(0));
        for (ImageResult r : input) {
            aggregator.results.pipeInput(jobId, r, at(10));
        }
    }

    /**
     * A cropped copy: centre hashes 20 bits apart, wide hashes 4. Grouped by the wide hashes the
     * results carry; a result without one (from before the field) is grouped by its one hash.
     */
    @Test
    void groupsByTheWideHashWhenTheCentresMovedApart() {
        start(AggregatorSettings.defaults());
        long centre = 0x0123_4567_89AB_CDEFL;
        long wide = 0x7654_3210_FEDC_BA98L;
        List<ImageResult> input = List.of(
                result("crop", 0).setUri("file:/photo.jpg").setStatus(ResultStatus.OK)
                        .setPerceptualHashHex(HashHex.of(centre)).setWideHashHex(HashHex.of(wide)).build(),
                result("crop", 1).setUri("file:/photo-cropped.jpg").setStatus(ResultStatus.OK)
                        .setPerceptualHashHex(HashHex.of(centre ^ 0xFFFFFL)).setWideHashHex(HashHex.of(wide ^ 0b1111L)).build(),
                result("crop", 2).setUri("file:/other.jpg").setStatus(ResultStatus.OK)
                        .setPerceptualHashHex(HashHex.of(centre ^ 0xFFFFFL)).setWideHashHex(HashHex.of(~wide)).build(),
                result("crop", 3).setUri("file:/old-a.jpg").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(-1L)).build(),
                result("crop", 4).setUri("file:/old-b.jpg").setStatus(ResultStatus.OK).setPerceptualHashHex(HashHex.of(-1L ^ 0b11L)).build());
        aggregator.jobs.pipeInput("crop", job("crop", input.size(), 0), at(0));
        for (ImageResult r : input) {
            aggregator.results.pipeInput("crop", r, at(10));
        }

        assertThat(last(output()).getNearDuplicateGroupCount()).isEqualTo(2);
        assertThat(aggregator.groupChunks.readValuesToList().get(0).getGroups()).containsExactly(
                List.of("file:/old-a.jpg", "file:/old-b.jpg"),
                List.of("file:/photo-cropped.jpg", "file:/photo.jpg"));
    }

    @Test
    void completionEmitsTheGroupCountAndTheGroupsThemselves() {
        start(AggregatorSettings.defaults());
        pipeImagesWithNearDuplicates("dups");

        JobSummary done = last(output());
        assertThat(done.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(done.getSucceeded()).isEqualTo(7);
        assertThat(done.getFailed()).isEqualTo(1);
        assertThat(done.getBlurryCount()).isEqualTo(3);
        assertThat(done.getNearDuplicateGroupCount()).isEqualTo(2);
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList();
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).getJobId()).isEqualTo("dups");
        assertThat(chunks.get(0).getCountedResults()).isEqualTo(8);
        assertThat(chunks.get(0).getGroups()).containsExactly(
                List.of("file:/a0.jpg", "file:/a1.jpg"),
                List.of("file:/b0.png", "file:/b1.png"));
    }

    @Test
    void nothingIsEmittedToTheGroupsTopicBeforeCompletion() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("slow", job("slow", 3, 0), at(0));
        aggregator.results.pipeInput("slow", ok("slow", 0, 0.3, false, 0L), at(10));
        aggregator.results.pipeInput("slow", ok("slow", 1, 0.3, false, 1L), at(20));
        aggregator.driver.advanceWallClockTime(PROGRESS);

        assertThat(states(output())).containsExactly(JobState.RUNNING, JobState.RUNNING);
        assertThat(aggregator.groupChunks.isEmpty()).isTrue();
    }

    @Test
    void nearDuplicateDistanceComesFromTheSettings() {
        start(AggregatorSettings.defaults().withNearDuplicateDistance(4));
        pipeImagesWithNearDuplicates("tight");

        assertThat(last(output()).getNearDuplicateGroupCount()).isEqualTo(1);
        assertThat(joinedGroups("tight")).containsExactly(List.of("file:/a0.jpg", "file:/a1.jpg"));
    }

    @Test
    void progressIsEmittedOnTheWallClockNotPerResult() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("slow", job("slow", 5, 0), at(0));
        assertThat(states(output())).containsExactly(JobState.RUNNING);

        aggregator.results.pipeInput("slow", ok("slow", 0, 0.3, false, distinctHash(0)), at(10));
        aggregator.results.pipeInput("slow", failed("slow", 1), at(20));
        assertThat(aggregator.summaries.isEmpty()).as("no summary per result").isTrue();

        aggregator.driver.advanceWallClockTime(PROGRESS);
        List<JobSummary> progress = output();
        assertThat(progress).hasSize(1);
        assertThat(progress.get(0).getState()).isEqualTo(JobState.RUNNING);
        assertThat(progress.get(0).getSucceeded()).isEqualTo(1);
        assertThat(progress.get(0).getFailed()).isEqualTo(1);
        assertThat(progress.get(0).getUpdatedAt()).isEqualTo(at(20));
        assertThat(progress.get(0).getCompletedAt()).isNull();

        aggregator.driver.advanceWallClockTime(PROGRESS);
        assertThat(aggregator.summaries.isEmpty()).as("nothing changed, nothing emitted").isTrue();

        aggregator.results.pipeInput("slow", ok("slow", 2, 0.3, false, distinctHash(2)), at(30));
        aggregator.driver.advanceWallClockTime(PROGRESS);
        JobSummary next = last(output());
        assertThat(next.getState()).isEqualTo(JobState.RUNNING);
        assertThat(next.getSucceeded() + next.getFailed()).isEqualTo(3);
    }

    @Test
    void theDispatchersCountsAndThePriorityReachTheSummaryUntilTheJobCompletes() {
        start(AggregatorSettings.defaults());
        ImageJob high = job("queued", 3, 0);
        high.setPriority("HIGH");
        aggregator.jobs.pipeInput("queued", high, at(0));
        assertThat(last(output()).getPriority()).isEqualTo("HIGH");

        aggregator.admissions.pipeInput("queued", admission("queued", 1, 2, 0), at(5));
        assertThat(aggregator.summaries.isEmpty()).as("counts go out with the next progress update").isTrue();
        aggregator.driver.advanceWallClockTime(PROGRESS);
        JobSummary waiting = last(output());
        assertThat(waiting.getQueuedTasks()).isEqualTo(1);
        assertThat(waiting.getInFlightTasks()).isEqualTo(2);

        for (int task = 0; task < 2; task++) {
            aggregator.results.pipeInput("queued", ok("queued", task, 0.3, false, distinctHash(task)), at(10 + task));
        }
        aggregator.driver.advanceWallClockTime(PROGRESS);
        JobSummary oneLeft = last(output());
        assertThat(oneLeft.getInFlightTasks()).as("never more waiting than without a result").isEqualTo(1);
        assertThat(oneLeft.getQueuedTasks()).isZero();

        aggregator.results.pipeInput("queued", ok("queued", 2, 0.3, false, distinctHash(2)), at(12));
        JobSummary done = last(output());
        assertThat(done.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(done.getQueuedTasks()).isZero();
        assertThat(done.getInFlightTasks()).isZero();

        // The dispatcher's counts from before the end arrive late: a completed summary stays as it is.
        aggregator.admissions.pipeInput("queued", admission("queued", 0, 3, 1), at(20));
        aggregator.driver.advanceWallClockTime(PROGRESS);
        assertThat(aggregator.summaries.isEmpty()).isTrue();
    }

    private static JobAdmission admission(String jobId, int queued, int admitted, int results) {
        return JobAdmission.newBuilder().setJobId(jobId).setPriority("HIGH").setQueued(queued).setAdmitted(admitted).setResults(results)
                .setWindow(2_000).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void resultForAnUncountedTaskAfterCompletionIsCountedNotFatal() {
        start(AggregatorSettings.defaults());
        aggregator.jobs.pipeInput("short", job("short", 2, 0), at(0));
        aggregator.results.pipeInput("short", ok("short", 0, 0.1, false, 0L), at(10));
        aggregator.results.pipeInput("short", ok("short", 1, 0.1, false, 0xFFL), at(11));
        aggregator.results.pipeInput("short", ok("short", 2, 0.1, true, 0x1L), at(12));

        List<JobSummary> out = output();
        assertThat(states(out)).containsExactly(JobState.RUNNING, JobState.COMPLETED, JobState.COMPLETED);
        JobSummary latest = last(out);
        assertThat(latest.getSucceeded()).isEqualTo(3);
        assertThat(latest.getCompletedAt()).isEqualTo(at(11));
        assertThat(latest.getBlurryCount()).isEqualTo(1);
        assertThat(latest.getNearDuplicateGroupCount()).isEqualTo(1);
        // Two sets of groups, told apart by the results they were computed from; the later one
        // holds the late image.
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList();
        assertThat(chunks).extracting(NearDuplicateGroups::getCountedResults).containsExactly(2, 3);
        assertThat(chunks.get(0).getGroups()).containsExactly(List.of(uri("short", 0), uri("short", 1)));
        assertThat(chunks.get(1).getGroups()).containsExactly(List.of(uri("short", 0), uri("short", 1), uri("short", 2)));
    }

    // ---------------------------------------------------------------- groups at scale

    /** A job's images by construction: its expected groups, and hashes within 2 bits inside a group. */
    private record PlantedJob(String jobId, List<ImageResult> results, List<List<String>> expectedGroups) {
    }

    /**
     * {@code singletons} images with random hashes, and groups of the given sizes: a random base
     * hash and copies of it with one or two bits flipped, so members of a group are at most four
     * bits apart. With distance 4, groups can only merge by chance, which the fixed seeds rule out
     * (random 64-bit hashes are within 4 bits with probability 4e-14 a pair).
     */
    private static PlantedJob plantedJob(String jobId, int singletons, List<Integer> groupSizes, long seed) {
        Random random = new Random(seed);
        List<ImageResult> results = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        int task = 0;
        for (int i = 0; i < singletons; i++, task++) {
            results.add(planted(jobId, task, random.nextLong(), task % 7 == 0));
        }
        for (int size : groupSizes) {
            long base = random.nextLong();
            TreeSet<String> group = new TreeSet<>();
            for (int member = 0; member < size; member++, task++) {
                long hash = base;
                for (int flip = random.nextInt(3); flip > 0; flip--) {
                    hash ^= 1L << random.nextInt(Long.SIZE);
                }
                ImageResult result = planted(jobId, task, hash, task % 7 == 0);
                results.add(result);
                group.add(result.getUri());
            }
            expected.add(List.copyOf(group));
        }
        expected.sort((x, y) -> x.get(0).compareTo(y.get(0)));
        return new PlantedJob(jobId, results, expected);
    }

    private static ImageResult planted(String jobId, int task, long hash, boolean blurry) {
        return ImageResult.newBuilder()
                .setJobId(jobId)
                .setTaskId(String.format("%s-task-%06d", jobId, task))
                .setUri(String.format("file:/photos/%s/img-%06d.png", jobId, task))
                .setStatus(ResultStatus.OK)
                .setBlurry(blurry)
                .setPerceptualHashHex(HashHex.of(hash))
                .setAnalyzedAt(T0)
                .build();
    }

    private void pipe(PlantedJob job, List<ImageResult> inOrder) {
        aggregator.jobs.pipeInput(job.jobId(), job(job.jobId(), inOrder.size(), 0), at(0));
        for (ImageResult result : inOrder) {
            aggregator.results.pipeInput(job.jobId(), result, at(10));
        }
    }

    /** The Avro-encoded size of a chunk's groups: the chunk minus the same chunk without groups. */
    private static int encodedGroupsSize(NearDuplicateGroups chunk) {
        byte[] whole = topicsForSizes.nearDuplicateGroups().valueSerde().serializer().serialize("sizes", chunk);
        byte[] bare = topicsForSizes.nearDuplicateGroups().valueSerde().serializer()
                .serialize("sizes", NearDuplicateGroups.newBuilder(chunk).setGroups(List.of()).build());
        return whole.length - bare.length + 1;
    }

    private static final Topics topicsForSizes = Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry());

    @Test
    void groupsTooLargeForOneRecordAreSplitIntoBoundedChunksThatJoinExactly() {
        int budget = 2_000;
        start(AggregatorSettings.defaults().withNearDuplicateDistance(4).withGroupChunkBytes(budget));
        // URIs of 35 bytes (40 with their length prefix): a group of 200 is four chunks' worth.
        PlantedJob job = plantedJob("split", 300, List.of(2, 3, 200, 5, 2, 60, 2), 17);
        pipe(job, job.results());

        JobSummary done = last(output());
        List<NearDuplicateGroups> chunks = aggregator.groupChunks.readValuesToList();
        assertThat(done.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(done.getNearDuplicateGroupCount()).isEqualTo(7);
        assertThat(chunks.size()).isGreaterThanOrEqualTo(6);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.getChunkCount()).isEqualTo(chunks.size());
            assertThat(chunk.getCountedResults()).isEqualTo(job.results().size());
            assertThat(encodedGroupsSize(chunk)).isLessThanOrEqualTo(budget);
        });
        assertThat(chunks).extracting(NearDuplicateGroups::getChunkIndex)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks).filteredOn(NearDuplicateGroups::getFirstGroupContinues).isNotEmpty();
        assertThat(NearDuplicateChunks.join(chunks)).isEqualTo(job.expectedGroups());
    }

    @Test
    void theSameResultsInAnyOrderGiveTheSameChunks() {
        AggregatorSettings settings = AggregatorSettings.defaults().withNearDuplicateDistance(4).withGroupChunkBytes(1_000);
        PlantedJob job = plantedJob("order", 150, List.of(2, 40, 3, 2, 9), 23);
        start(settings);
        pipe(job, job.results());
        List<NearDuplicateGroups> reference = aggregator.groupChunks.readValuesToList();
        assertThat(reference.size()).isGreaterThan(1);

        Random random = new Random(5);
        for (int round = 0; round < 3; round++) {
            List<ImageResult> shuffled = new ArrayList<>(job.results());
            Collections.shuffle(shuffled, random);
            restart(settings);
            pipe(job, shuffled);
            assertThat(aggregator.groupChunks.readValuesToList()).as("round %d", round).isEqualTo(reference);
        }
    }

    /**
     * 100,000 images in one job, one group of 30,000 of them: at some 35 bytes a URI that group
     * alone is over 1 MB. No record the aggregator writes (output or changelog) may reach Kafka's
     * default 1 MB limit, and the chunks must still join to exactly the planted groups.
     */
    @Test
    void aJobOf100000ImagesWritesNoRecordOf1MbAndGroupsExactly() {
        start(AggregatorSettings.defaults().withNearDuplicateDistance(4));
        List<Integer> groupSizes = new ArrayList<>(Collections.nCopies(2_000, 5));
        groupSizes.add(30_000);
        PlantedJob job = plantedJob("big", 60_000, groupSizes, 99);
        assertThat(job.results()).hasSize(100_000);

        pipe(job, job.results());

        // Read as bytes, outputs and changelogs alike: the size is what the broker would see.
        List<NearDuplicateGroups> chunks = new ArrayList<>();
        JobSummary done = null;
        assertThat(aggregator.driver.producedTopicNames()).contains(aggregator.topics.jobSummaries().name(), aggregator.topics.nearDuplicateGroups().name());
        for (String topic : aggregator.driver.producedTopicNames()) {
            TestOutputTopic<byte[], byte[]> raw = aggregator.driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            int largest = 0;
            while (!raw.isEmpty()) {
                var record = raw.readRecord();
                largest = Math.max(largest, (record.key() == null ? 0 : record.key().length)
                        + (record.value() == null ? 0 : record.value().length));
                if (topic.equals(aggregator.topics.nearDuplicateGroups().name())) {
                    chunks.add(aggregator.topics.nearDuplicateGroups().valueSerde().deserializer().deserialize(topic, record.value()));
                } else if (topic.equals(aggregator.topics.jobSummaries().name())) {
                    done = aggregator.topics.jobSummaries().valueSerde().deserializer().deserialize(topic, record.value());
                }
            }
            assertThat(largest).as("largest record in %s", topic).isLessThan(1_000_000);
        }
        assertThat(done).isNotNull();
        assertThat(done.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(done.getSucceeded()).isEqualTo(100_000);
        assertThat(done.getBlurryCount()).isEqualTo((100_000 + 6) / 7);
        assertThat(done.getNearDuplicateGroupCount()).isEqualTo(2_001);
        // 30,000 URIs of 40 bytes with their length prefix, 256 KiB a chunk: at least five chunks.
        assertThat(chunks.size()).isGreaterThanOrEqualTo(5);
        assertThat(NearDuplicateChunks.join(chunks)).isEqualTo(job.expectedGroups());
    }

    @Test
    void jobStreamIsRepartitionedToTheResultsPartitionCount() {
        Topics topics = Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry());
        String description = JobAggregatorTopology.build(new StreamsBuilder(), topics, AggregatorSettings.defaults())
                .describe().toString();

        assertThat(description).contains(JobAggregatorTopology.JOBS_REPARTITION + "-repartition");
        assertThat(description).contains(JobAggregatorTopology.JOB_SUMMARIES_STORE, JobAggregatorTopology.SEEN_TASKS_STORE,
                JobAggregatorTopology.JOB_HASHES_STORE, JobAggregatorTopology.DIRTY_JOBS_STORE);
    }
}
