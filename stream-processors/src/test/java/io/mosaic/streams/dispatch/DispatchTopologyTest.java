package io.mosaic.streams.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.schemas.Identity;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher's topology under {@link TopologyTestDriver}: windows, holding, letting in, priorities; no broker. */
class DispatchTopologyTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final int WINDOW = 4;

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageTask> backlog;
    private TestInputTopic<String, byte[]> rawBacklog;
    private TestInputTopic<String, byte[]> results;
    private TestInputTopic<String, ImageJob> jobs;
    private TestOutputTopic<String, byte[]> tasks;
    private TestOutputTopic<String, JobAdmission> admissions;

    private TestOutputTopic<String, byte[]> express;
    private int runs;

    @BeforeEach
    void start() {
        start(new DispatcherSettings(WINDOW, 0, Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    private void start(DispatcherSettings settings) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mosaic-dispatcher-test");
        // Never contacted: the test driver runs the topology without a broker.
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + runs++).toString());
        driver = new TopologyTestDriver(DispatchTopology.build(topics, settings), props, T0);
        express = driver.createOutputTopic(topics.expressTasks().name(), new StringDeserializer(), new ByteArrayDeserializer());
        backlog = driver.createInputTopic(topics.taskBacklog().name(), new StringSerializer(), topics.taskBacklog().valueSerde().serializer());
        rawBacklog = driver.createInputTopic(topics.taskBacklog().name(), new StringSerializer(), new ByteArraySerializer());
        results = driver.createInputTopic(topics.imageResults().name(), new StringSerializer(), new ByteArraySerializer());
        jobs = driver.createInputTopic(topics.jobs().name(), new StringSerializer(), topics.jobs().valueSerde().serializer());
        tasks = driver.createOutputTopic(topics.imageTasks().name(), new StringDeserializer(), new ByteArrayDeserializer());
        admissions = driver.createOutputTopic(topics.jobAdmissions().name(), new StringDeserializer(),
                topics.jobAdmissions().valueSerde().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void submit(String jobId, int count) {
        for (int i = 0; i < count; i++) {
            String uri = "file:/photos/" + jobId + "/" + i + ".jpg";
            backlog.pipeInput(jobId, ImageTask.newBuilder().setTaskId(Identity.taskId(jobId, uri)).setJobId(jobId).setUri(uri)
                    .setSubmittedAt(T0).build());
        }
    }

    private void job(String jobId, JobPriority priority) {
        jobs.pipeInput(jobId, ImageJob.newBuilder().setJobId(jobId).setSource("file:/photos/" + jobId + "/").setTaskCount(100)
                .setSubmittedAt(T0).setPriority(priority.name()).build());
    }

    private void resultsFor(String jobId, int count) {
        for (int i = 0; i < count; i++) {
            results.pipeInput(jobId, new byte[0]);
        }
    }

    /** The tasks let in since last asked, as (taskId, task). */
    private List<KeyValue<String, ImageTask>> admitted() {
        return tasks.readKeyValuesToList().stream()
                .map(kv -> KeyValue.pair(kv.key, topics.imageTasks().valueSerde().deserializer().deserialize(topics.imageTasks().name(), kv.value)))
                .toList();
    }

    private static List<String> jobsOf(List<KeyValue<String, ImageTask>> admitted) {
        return admitted.stream().map(kv -> kv.value.getJobId()).toList();
    }

    @Test
    void aJobGetsAWindowAtOnceAndTheRestAsResultsComeBack() {
        submit("big", 10);
        List<KeyValue<String, ImageTask>> first = admitted();
        assertThat(first).hasSize(WINDOW);
        assertThat(first).allSatisfy(kv -> assertThat(kv.key).isEqualTo(kv.value.getTaskId()));

        resultsFor("big", 3);
        assertThat(admitted()).hasSize(3);
        resultsFor("big", 20);
        assertThat(admitted()).hasSize(3);
        assertThat(admitted()).isEmpty();
    }

    @Test
    void everyTaskIsLetInOnceInTheOrderItWasSubmitted() {
        submit("big", 25);
        List<String> order = new ArrayList<>(admitted().stream().map(kv -> kv.value.getUri()).toList());
        for (int i = 0; i < 25 && order.size() < 25; i++) {
            resultsFor("big", 1);
            order.addAll(admitted().stream().map(kv -> kv.value.getUri()).toList());
        }
        assertThat(order).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> "file:/photos/big/" + i + ".jpg").toList());
    }

    @Test
    void aSmallJobBehindABigOneIsLetInAtOnce() {
        submit("big", 1_000);
        assertThat(admitted()).hasSize(WINDOW);
        submit("small", 3);
        assertThat(jobsOf(admitted())).containsExactly("small", "small", "small");
    }

    @Test
    void withoutResultsThePunctuatorLetsNothingIn() {
        submit("big", 10);
        admitted();
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(admitted()).isEmpty();
    }

    @Test
    void thePunctuatorLetsInWhatSingleResultsMadeRoomFor() {
        DispatcherSettings wide = new DispatcherSettings(64, 0, Duration.ofMillis(50), Duration.ofMillis(500));
        assertThat(wide.releaseBatch(64)).isEqualTo(4);
        start(wide);
        submit("big", 100);
        assertThat(admitted()).hasSize(64);

        resultsFor("big", 2);
        assertThat(admitted()).as("two results are less than a batch of four").isEmpty();
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertThat(admitted()).hasSize(2);
    }

    @Test
    void theFirstTasksOfEachHighOrNormalJobTakeTheExpressLane() {
        start(new DispatcherSettings(WINDOW, 2, Duration.ofMillis(50), Duration.ofMillis(500)));
        job("batch", JobPriority.BATCH);
        submit("big", 10);
        assertThat(express.readKeyValuesToList()).hasSize(2);
        assertThat(admitted()).hasSize(WINDOW - 2);
        resultsFor("big", 3);
        assertThat(express.isEmpty()).as("a job's later tasks take the tasks topic").isTrue();
        assertThat(admitted()).hasSize(3);

        submit("batch", 5);
        assertThat(express.isEmpty()).as("BATCH jobs never take the express lane").isTrue();
        assertThat(admitted()).hasSize(WINDOW / 2);
    }

    @Test
    void priorityWeighsTheWindow() {
        job("high", JobPriority.HIGH);
        job("batch", JobPriority.BATCH);
        job("normal", JobPriority.NORMAL);
        submit("high", 100);
        submit("batch", 100);
        submit("normal", 100);
        Map<String, Long> perJob = admitted().stream().collect(Collectors.groupingBy(kv -> kv.value.getJobId(), Collectors.counting()));
        assertThat(perJob).containsEntry("high", (long) 2 * WINDOW).containsEntry("normal", (long) WINDOW)
                .containsEntry("batch", (long) WINDOW / 2);
    }

    @Test
    void admissionsReportQueuedAdmittedAndResults() {
        job("big", JobPriority.NORMAL);
        submit("big", 10);
        resultsFor("big", 1);
        driver.advanceWallClockTime(Duration.ofMillis(600));
        JobAdmission last = admissions.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
        assertThat(last.getJobId()).isEqualTo("big");
        assertThat(last.getQueued()).isEqualTo(5);
        assertThat(last.getAdmitted()).isEqualTo(5);
        assertThat(last.getResults()).isEqualTo(1);
        assertThat(last.getWindow()).isEqualTo(WINDOW);
        assertThat(last.getPriority()).isEqualTo("NORMAL");
    }

    @Test
    void duplicateResultsMakeRoomOnlyUntilTheWindowIsFull() {
        submit("big", 20);
        admitted();
        // A job resubmitted while it runs: its results come twice. In flight never goes below
        // zero, so the room a job has never exceeds its window.
        resultsFor("big", 50);
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertThat(admitted()).hasSizeLessThanOrEqualTo(16);
        resultsFor("big", 50);
        driver.advanceWallClockTime(Duration.ofMillis(60));
        admitted();
        assertThat(admissionOf("big").getQueued()).isZero();
    }

    private JobAdmission admissionOf(String jobId) {
        driver.advanceWallClockTime(Duration.ofMillis(600));
        return admissions.readValuesToList().stream().filter(a -> a.getJobId().equals(jobId)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void resultsOfJobsThatNeverPassedThroughAreIgnored() {
        resultsFor("elsewhere", 5);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(admissions.isEmpty()).isTrue();
        submit("elsewhere", 10);
        assertThat(admitted()).hasSize(WINDOW);
    }

    @Test
    void aRecordThatIsNotATaskPassesThroughForTheDeadLetterTopic() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        rawBacklog.pipeInput("job", garbage);
        var out = tasks.readKeyValue();
        assertThat(out.key).isEqualTo("job");
        assertThat(out.value).isEqualTo(garbage);
    }

    @Test
    void backlogAndResultsMustBePartitionedAlike() {
        Topics skewed = Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry());
        Topics mismatched = new Topics(skewed.jobs(), skewed.imageTasks(), skewed.imageResults(), skewed.jobSummaries(), skewed.imageTasksDlq(),
                skewed.nearDuplicateGroups(), new io.mosaic.schemas.Topic<>("backlog", 3, Map.of(), skewed.taskBacklog().keySerde(),
                        skewed.taskBacklog().valueSerde()), skewed.jobAdmissions(), skewed.expressTasks(), (short) 1, 1);
        assertThatThrownBy(() -> DispatchTopology.build(mismatched, DispatcherSettings.from(io.mosaic.platform.config.MosaicConfig.defaults())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as many partitions");
    }
}
