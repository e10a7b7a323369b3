package io.mosaic.streams;

import static io.mosaic.streams.AggregatorTestDriver.PROGRESS;
import static io.mosaic.streams.AggregatorTestDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.schemas.Cancellation;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job record with {@code cancelled} set, as the jobs API publishes it on DELETE. */
class JobCancellationTest {

    @TempDir
    Path stateDir;

    private AggregatorTestDriver aggregator;

    @BeforeEach
    void start() {
        aggregator = new AggregatorTestDriver(AggregatorSettings.defaults(), stateDir, T0);
    }

    @AfterEach
    void close() {
        aggregator.close();
    }

    private static ImageJob job(String jobId, int taskCount, boolean cancelled) {
        return ImageJob.newBuilder()
                .setJobId(jobId)
                .setSource("file:/photos/" + jobId + "/")
                .setTaskCount(taskCount)
                .setSkippedCount(1)
                .setSubmittedAt(T0)
                .setCancelled(cancelled)
                .build();
    }

    private static ImageResult ok(String jobId, int task) {
        return ImageResult.newBuilder().setJobId(jobId).setTaskId(jobId + "-" + task).setUri("file:/photos/" + task + ".png")
                .setStatus(ResultStatus.OK).setMeanLuma(0.5).setPerceptualHashHex(HashHex.of((long) task << 32)).setAnalyzedAt(T0).build();
    }

    /** What a worker answers for a task of a cancelled job. */
    private static ImageResult skipped(String jobId, int task) {
        return ImageResult.newBuilder().setJobId(jobId).setTaskId(jobId + "-" + task).setUri("file:/photos/" + task + ".png")
                .setStatus(ResultStatus.FAILED).setError(Cancellation.ERROR).setAnalyzedAt(T0).build();
    }

    private JobSummary stored(String jobId) {
        KeyValueStore<String, JobSummary> store = aggregator.driver.getKeyValueStore(JobAggregatorTopology.JOB_SUMMARIES_STORE);
        return store.get(jobId);
    }

    @Test
    void aCancelledJobSaysSoAtOnceKeepsCountingAndNeverCompletes() {
        aggregator.jobs.pipeInput("j", job("j", 4, false), T0);
        aggregator.results.pipeInput("j", ok("j", 0), T0.plusMillis(10));
        aggregator.summaries.readValuesToList();

        aggregator.jobs.pipeInput("j", job("j", 4, true), T0.plusMillis(20));

        List<JobSummary> emitted = aggregator.summaries.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getState()).isEqualTo(JobState.CANCELLED);
        assertThat(emitted.get(0).getSucceeded()).isEqualTo(1);
        assertThat(emitted.get(0).getTaskCount()).isEqualTo(4);

        aggregator.results.pipeInput("j", ok("j", 1), T0.plusMillis(30));
        aggregator.results.pipeInput("j", skipped("j", 2), T0.plusMillis(40));
        aggregator.results.pipeInput("j", skipped("j", 3), T0.plusMillis(50));
        aggregator.results.pipeInput("j", skipped("j", 3), T0.plusMillis(60));
        aggregator.driver.advanceWallClockTime(PROGRESS);

        JobSummary last = aggregator.summaries.readValuesToList().get(0);
        assertThat(last.getState()).isEqualTo(JobState.CANCELLED);
        assertThat(last.getSucceeded()).isEqualTo(2);
        assertThat(last.getFailed()).isEqualTo(2);
        assertThat(last.getDuplicatesIgnored()).isEqualTo(1);
        assertThat(last.getCompletedAt()).isNull();
        assertThat(stored("j")).isEqualTo(last);
        assertThat(aggregator.groupChunks.isEmpty()).as("a cancelled job's near-duplicate groups are never computed").isTrue();
    }

    @Test
    void aWorkersCancelledAnswerCancelsTheJobBeforeItsCancellingRecordArrives() {
        aggregator.jobs.pipeInput("j", job("j", 3, false), T0);
        aggregator.results.pipeInput("j", ok("j", 0), T0.plusMillis(10));
        aggregator.summaries.readValuesToList();

        // The workers saw the cancelling record first and answered the rest; it reaches this fold later.
        aggregator.results.pipeInput("j", skipped("j", 1), T0.plusMillis(20));
        List<JobSummary> emitted = aggregator.summaries.readValuesToList();
        assertThat(emitted).extracting(JobSummary::getState).containsExactly(JobState.CANCELLED);
        aggregator.results.pipeInput("j", skipped("j", 2), T0.plusMillis(30));
        aggregator.jobs.pipeInput("j", job("j", 3, true), T0.plusMillis(40));
        aggregator.driver.advanceWallClockTime(PROGRESS);

        JobSummary last = stored("j");
        assertThat(last.getState()).as("every task answered, and still not COMPLETED").isEqualTo(JobState.CANCELLED);
        assertThat(last.getSucceeded() + last.getFailed()).isEqualTo(3);
        assertThat(last.getCompletedAt()).isNull();
        assertThat(aggregator.groupChunks.isEmpty()).isTrue();
    }

    @Test
    void cancellingACompletedJobChangesNothing() {
        aggregator.jobs.pipeInput("j", job("j", 1, false), T0);
        aggregator.results.pipeInput("j", ok("j", 0), T0.plusMillis(10));
        JobSummary completed = stored("j");
        assertThat(completed.getState()).isEqualTo(JobState.COMPLETED);
        aggregator.summaries.readValuesToList();

        aggregator.jobs.pipeInput("j", job("j", 1, true), T0.plusMillis(20));
        aggregator.driver.advanceWallClockTime(PROGRESS);

        assertThat(aggregator.summaries.isEmpty()).isTrue();
        assertThat(stored("j")).isEqualTo(completed);
    }

    @Test
    void aSecondCancellationOrALaterResubmissionKeepsTheJobCancelled() {
        aggregator.jobs.pipeInput("j", job("j", 3, false), T0);
        aggregator.jobs.pipeInput("j", job("j", 3, true), T0.plusMillis(10));
        aggregator.summaries.readValuesToList();

        aggregator.jobs.pipeInput("j", job("j", 3, true), T0.plusMillis(20));
        aggregator.jobs.pipeInput("j", job("j", 3, false), T0.plusMillis(30));
        aggregator.driver.advanceWallClockTime(PROGRESS);

        assertThat(aggregator.summaries.isEmpty()).isTrue();
        assertThat(stored("j").getState()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aJobKnownOnlyFromItsCancellingRecordIsCancelled() {
        aggregator.results.pipeInput("j", ok("j", 0), T0);
        aggregator.jobs.pipeInput("j", job("j", 3, true), T0.plusMillis(10));

        JobSummary last = aggregator.summaries.readValuesToList().get(1);
        assertThat(last.getState()).isEqualTo(JobState.CANCELLED);
        assertThat(last.getTaskCount()).isEqualTo(3);
        assertThat(last.getSource()).isEqualTo("file:/photos/j/");
        assertThat(last.getSucceeded()).isEqualTo(1);
    }

    @Test
    void aCancellingRecordForAJobWhoseResultsAreAllInCompletesIt() {
        aggregator.results.pipeInput("j", ok("j", 0), T0);
        aggregator.jobs.pipeInput("j", job("j", 1, true), T0.plusMillis(10));

        assertThat(stored("j").getState()).isEqualTo(JobState.COMPLETED);
    }
}
