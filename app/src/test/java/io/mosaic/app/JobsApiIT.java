package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.CancelledJobs;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.producers.api.JobsApi;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.JobAggregatorTopology;
import io.mosaic.streams.dispatch.DispatcherSettings;
import io.mosaic.streams.dispatch.TaskDispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs API and the aggregators' interactive queries on a real broker and registry: the jobs
 * API, one worker, two aggregator instances (a standby of each store on the other) and the report
 * writer, in this JVM but each with its own clients, state directory and HTTP port, as separate
 * processes would have. A job submitted over HTTP completes with exact counts; both aggregators
 * answer the same for it; bad requests and unknown jobs get 400 and 404; a larger job cancelled
 * midway ends CANCELLED with every task answered exactly once; and when the instance that owns a
 * job stops, the other answers for it within seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static final Deque<Lifecycle> started = new ArrayDeque<>();
    private static MosaicConfig config;
    private static Topics topics;
    private static SampleImages.SampleSet set;
    private static final Aggregator[] aggregators = new Aggregator[2];
    private static HttpService api;

    private static String firstJob;
    private static JsonNode firstSummary;

    /** One aggregator instance: the Streams application and the HTTP port its queries are served on. */
    private record Aggregator(String name, JobAggregator streams, HttpService http) {
        String url() {
            return http.url();
        }
    }

    @BeforeAll
    static void startPipeline() throws Exception {
        long begin = System.nanoTime();
        set = SampleImages.writeSampleSet(dir.resolve("images/first"), 10, 7);
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(1).build();
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
        CompletableFuture<Void> registryUp = CompletableFuture.runAsync(() -> start(registry));
        start(cluster);
        registryUp.join();

        config = MosaicConfig.builder()
                .set(KafkaSettings.BOOTSTRAP_SERVERS, cluster.bootstrapServers())
                .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                .set(TopicConfig.REPLICATION_FACTOR, "1")
                .set(TopicConfig.MIN_INSYNC_REPLICAS, "1")
                // Few partitions keep the two instances' rebalances short; still several per instance.
                .set(TopicConfig.TOPIC_JOBS_PARTITIONS, "2")
                .set(TopicConfig.TOPIC_TASKS_PARTITIONS, "4")
                .set(TopicConfig.TOPIC_RESULTS_PARTITIONS, "4")
                .set(TopicConfig.TOPIC_SUMMARIES_PARTITIONS, "2")
                .set(WorkerSettings.THREADS, "2")
                .set(AggregatorSettings.STANDBY_REPLICAS, "1")
                .set(ReportWriter.REPORT_DIR, dir.resolve("reports").toString())
                .set(SourceRoots.FILE_ALLOWED_ROOTS, dir.resolve("images").toString())
                .set(KafkaSettings.INSTANCE_ID, "jobs-api-it")
                .build();
        topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(config.schemaRegistryUrl()));
        TopicAdmin.createTopics(config, topics);

        // Both instances join the group together, so one rebalance spreads the tasks over both.
        for (int i = 0; i < aggregators.length; i++) {
            String name = "aggregator-" + (char) ('a' + i);
            MosaicConfig own = config.with(KafkaSettings.INSTANCE_ID, name).with(AggregatorSettings.STATE_DIR, dir.resolve("state-" + name).toString());
            HttpService http = new HttpService(name, "127.0.0.1", 0);
            aggregators[i] = new Aggregator(name, AggregatorCommand.queryableAggregator(own, topics, http, "127.0.0.1", false), http);
            start(http);
        }
        CompletableFuture.allOf(Stream.of(aggregators).map(a -> CompletableFuture.runAsync(() -> start(a.streams())))
                .toArray(CompletableFuture[]::new)).join();
        // Submitted tasks reach the workers through the dispatcher, which every aggregator process runs.
        start(new TaskDispatcher(config.with(KafkaSettings.INSTANCE_ID, "dispatcher").with(AggregatorSettings.STATE_DIR,
                dir.resolve("state-dispatcher").toString()), topics, DispatcherSettings.from(config), true));
        start(new ReportWriter(config, topics));
        start(new AnalyzerWorker(config.with(KafkaSettings.INSTANCE_ID, "worker"), topics, Wiring.taskProcessor(config)));

        MosaicConfig apiConfig = config.with(KafkaSettings.INSTANCE_ID, "jobs-api")
                .with(JobsApi.AGGREGATOR_URLS, aggregators[0].url() + "," + aggregators[1].url());
        JobsApi jobsApi = new JobsApi(apiConfig, topics);
        jobsApi.validate();
        start(jobsApi);
        api = new HttpService("jobs-api", "127.0.0.1", 0).route(JobsApi.PATH, jobsApi);
        start(api);
        System.out.printf("JobsApiIT: pipeline up in %.1f s; aggregators at %s and %s, jobs API at %s%n",
                (System.nanoTime() - begin) / 1e9, aggregators[0].url(), aggregators[1].url(), api.url());
    }

    private static void start(Lifecycle part) {
        try {
            part.validate();
            part.start();
        } catch (Exception e) {
            part.stop();
            throw new IllegalStateException("cannot start " + part.name(), e);
        }
        synchronized (started) {
            started.push(part);
        }
    }

    @AfterAll
    static void stopPipeline() {
        synchronized (started) {
            while (!started.isEmpty()) {
                started.pop().stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void aJobSubmittedOverHttpCompletesWithExactCounts() throws Exception {
        HttpResponse<String> submitted = send("POST", api.url() + "/jobs", "{\"source\": \"" + set.directory().toUri() + "\"}");

        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(submitted.body());
        firstJob = accepted.get("jobId").textValue();
        assertThat(accepted.get("taskCount").intValue()).isEqualTo(set.taskCount());
        assertThat(accepted.get("skipped").intValue()).isEqualTo(set.nonImages());

        JsonNode summary = awaitSummary(api.url(), firstJob, s -> s.get("state").textValue().equals("COMPLETED"));
        assertThat(summary.get("jobId").textValue()).isEqualTo(firstJob);
        assertThat(summary.get("taskCount").intValue()).isEqualTo(set.taskCount());
        assertThat(summary.get("succeeded").intValue()).isEqualTo(set.images());
        assertThat(summary.get("failed").intValue()).isEqualTo(set.broken());
        assertThat(summary.get("duplicatesIgnored").intValue()).isZero();
        assertThat(summary.get("skippedCount").intValue()).isEqualTo(set.nonImages());
        assertThat(summary.get("blurryCount").intValue()).isEqualTo(set.blurry());
        assertThat(summary.get("nearDuplicateGroupCount").intValue()).isEqualTo(set.nearDuplicateCopies());
        assertThat(summary.get("startedAt").isTextual()).isTrue();
        assertThat(summary.get("completedAt").isTextual()).isTrue();
        assertThat(summary.get("meanLuma").doubleValue()).isBetween(0.0, 1.0);
        await("the report of " + firstJob, () -> Files.exists(dir.resolve("reports").resolve(firstJob + ".json")));
        firstSummary = summary;
    }

    @Test
    @Order(2)
    void everyAggregatorInstanceAnswersTheSameForTheJob() throws Exception {
        HostInfo owner = owner(firstJob);
        System.out.printf("JobsApiIT: job %s is owned by %s%n", firstJob, owner);
        assertThat(Stream.of(aggregators).map(a -> a.streams().applicationServer())).contains(owner);

        for (Aggregator aggregator : aggregators) {
            HttpResponse<String> response = send("GET", aggregator.url() + "/jobs/" + firstJob, null);
            assertThat(response.statusCode()).as(aggregator.name() + ": " + response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body())).as(aggregator.name()).isEqualTo(firstSummary);

            HttpResponse<String> list = send("GET", aggregator.url() + "/jobs", null);
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).get("jobs")).as(aggregator.name()).containsExactly(firstSummary);
        }
        HttpResponse<String> viaApi = send("GET", api.url() + "/jobs", null);
        assertThat(JSON.readTree(viaApi.body()).get("jobs")).containsExactly(firstSummary);
    }

    @Test
    @Order(3)
    void badRequestsAre400AndUnknownJobs404WithAJsonError() throws Exception {
        Path file = Files.writeString(dir.resolve("images/not-a-directory.txt"), "x");
        Map<String, HttpResponse<String>> bad = new HashMap<>();
        bad.put("not JSON", send("POST", api.url() + "/jobs", "source=/data"));
        bad.put("no source", send("POST", api.url() + "/jobs", "{\"jobId\": \"x\"}"));
        bad.put("blank source", send("POST", api.url() + "/jobs", "{\"source\": \" \"}"));
        bad.put("no such directory", send("POST", api.url() + "/jobs", "{\"source\": \"" + dir.resolve("images/missing") + "\"}"));
        bad.put("a file", send("POST", api.url() + "/jobs", "{\"source\": \"" + file + "\"}"));
        bad.put("outside the allowed roots", send("POST", api.url() + "/jobs", "{\"source\": \"" + dir.resolve("reports") + "\"}"));
        bad.put("bad job id", send("POST", api.url() + "/jobs", "{\"source\": \"" + set.directory() + "\", \"jobId\": \"../x\"}"));
        for (Map.Entry<String, HttpResponse<String>> response : bad.entrySet()) {
            assertThat(response.getValue().statusCode()).as(response.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(response.getValue().body()).get("error").textValue()).as(response.getKey()).isNotBlank();
        }
        assertThat(JSON.readTree(bad.get("no such directory").body()).get("error").textValue()).contains("missing");

        for (String base : List.of(api.url(), aggregators[0].url(), aggregators[1].url())) {
            HttpResponse<String> unknown = send("GET", base + "/jobs/no-such-job", null);
            assertThat(unknown.statusCode()).as(base).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).get("error").textValue()).contains("no-such-job");
        }
        assertThat(send("DELETE", api.url() + "/jobs/no-such-job", null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", api.url() + "/jobs/" + firstJob, null).statusCode()).as("a completed job").isEqualTo(409);
        assertThat(send("DELETE", aggregators[0].url() + "/jobs/" + firstJob, null).statusCode()).isEqualTo(405);
    }

    /**
     * Cancelling is defined as: the summary turns CANCELLED at once and stays so; workers answer
     * every task still queued with a FAILED result "job cancelled" instead of analysing it, so each
     * task still ends as exactly one counted result (succeeded + failed reaches taskCount), but the
     * job never completes (no completedAt, no report).
     */
    @Test
    @Order(4)
    void aLargerJobCancelledMidwayEndsCancelledWithEveryTaskAnsweredOnce() throws Exception {
        Path large = largeJob(600);
        HttpResponse<String> submitted = send("POST", api.url() + "/jobs", "{\"source\": \"" + large + "\", \"jobId\": \"large-job\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        assertThat(JSON.readTree(submitted.body()).get("taskCount").intValue()).isEqualTo(600);

        JsonNode before = awaitSummary(api.url(), "large-job", s -> counted(s) > 0);
        HttpResponse<String> cancelled = send("DELETE", api.url() + "/jobs/large-job", null);
        // 409 "results but not its job record yet; try again shortly" is the API's answer while the
        // aggregator has not folded the job record: try again, as its message says, for up to 30 s.
        for (long deadline = System.nanoTime() + 30_000_000_000L; cancelled.statusCode() == 409 && System.nanoTime() < deadline; ) {
            Thread.sleep(200);
            cancelled = send("DELETE", api.url() + "/jobs/large-job", null);
        }
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        assertThat(JSON.readTree(cancelled.body()).get("cancelled").booleanValue()).isTrue();
        System.out.printf("JobsApiIT: cancelled large-job after %d of 600 results%n", counted(before));

        JsonNode end = awaitSummary(api.url(), "large-job", s -> s.get("state").textValue().equals("CANCELLED") && counted(s) == 600);
        assertThat(end.get("completedAt").isNull()).isTrue();
        assertThat(end.get("duplicatesIgnored").intValue()).isZero();
        int skipped = end.get("failed").intValue();
        System.out.printf("JobsApiIT: large-job ended CANCELLED: %d analysed, %d skipped%n", end.get("succeeded").intValue(), skipped);
        assertThat(skipped).as("tasks skipped after the cancellation").isPositive();

        Map<String, Integer> resultsPerTask = new HashMap<>();
        int cancelledResults = 0;
        for (ImageResult result : results("large-job", 600)) {
            resultsPerTask.merge(result.getTaskId(), 1, Integer::sum);
            if (result.getStatus() == ResultStatus.FAILED) {
                // Every image of this job is valid: a failure can only be a skipped task.
                assertThat(result.getError()).isEqualTo(CancelledJobs.ERROR);
                cancelledResults++;
            }
        }
        assertThat(resultsPerTask).hasSize(600);
        assertThat(resultsPerTask.values()).containsOnly(1);
        assertThat(cancelledResults).isEqualTo(skipped);

        assertThat(send("DELETE", api.url() + "/jobs/large-job", null).statusCode()).as("cancelling twice").isEqualTo(202);
        Thread.sleep(1_000);
        assertThat(JSON.readTree(send("GET", api.url() + "/jobs/large-job", null).body())).isEqualTo(end);
        assertThat(dir.resolve("reports").resolve("large-job.json")).doesNotExist();
    }

    @Test
    @Order(5)
    void whenTheOwningInstanceStopsTheOtherAnswersWithinSeconds() throws Exception {
        HostInfo owner = owner(firstJob);
        Aggregator stopping = Stream.of(aggregators).filter(a -> a.streams().applicationServer().equals(owner)).findFirst().orElseThrow();
        Aggregator survivor = Stream.of(aggregators).filter(a -> a != stopping).findFirst().orElseThrow();
        JsonNode largeJob = JSON.readTree(send("GET", survivor.url() + "/jobs/large-job", null).body());

        long stopBegins = System.nanoTime();
        stopping.streams().stop();
        stopping.http().stop();
        long stopped = System.nanoTime();

        // Ask the survivor every 20 ms until it has taken over the job's partition and answered
        // again: first from its standby copy, then, after a moment while the copy becomes the
        // active store (503), as the owner.
        long deadline = stopped + Duration.ofSeconds(30).toNanos();
        long firstAnswer = 0;
        long lastAnswer = stopped;
        long longestWithoutAnswer = 0;
        long tookOver = 0;
        int unavailable = 0;
        while (true) {
            HttpResponse<String> response = send("GET", survivor.url() + "/jobs/" + firstJob, null);
            long now = System.nanoTime();
            if (response.statusCode() == 200) {
                assertThat(JSON.readTree(response.body())).isEqualTo(firstSummary);
                firstAnswer = firstAnswer == 0 ? now : firstAnswer;
                longestWithoutAnswer = Math.max(longestWithoutAnswer, now - lastAnswer);
                lastAnswer = now;
                if (tookOver != 0) {
                    break;
                }
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                unavailable++;
            }
            if (tookOver == 0 && survivor.streams().state() == KafkaStreams.State.RUNNING
                    && owner(survivor, firstJob).equals(survivor.streams().applicationServer())) {
                tookOver = now;
            }
            assertThat(now).as("the survivor answers again after taking over within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        System.out.printf("JobsApiIT: %s (owner of %s) stopped in %.2f s; %s answered %.3f s after the stop, was active for the job"
                        + " after %.3f s; longest time without an answer %.3f s (%d answers 503)%n",
                stopping.name(), firstJob, (stopped - stopBegins) / 1e9, survivor.name(), (firstAnswer - stopped) / 1e9,
                (tookOver - stopped) / 1e9, longestWithoutAnswer / 1e9, unavailable);
        assertThat(Duration.ofNanos(firstAnswer - stopped)).isLessThan(Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(longestWithoutAnswer)).isLessThan(Duration.ofSeconds(10));

        // The survivor may rebalance once more right after taking over (its store briefly closed):
        // the jobs API skips the stopped instance and gets the survivor's answer within seconds.
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        await("the jobs API answers through the survivor", () -> {
            try {
                answer.set(send("GET", api.url() + "/jobs/" + firstJob, null));
                return answer.get().statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> viaApi = answer.get();
        assertThat(viaApi.statusCode()).as("the jobs API skips the stopped instance: " + viaApi.body()).isEqualTo(200);
        assertThat(JSON.readTree(viaApi.body())).isEqualTo(firstSummary);
        assertThat(awaitSummary(survivor.url(), "large-job", largeJob::equals)).isEqualTo(largeJob);
        await("both jobs listed by the survivor alone", () -> {
            try {
                HttpResponse<String> list = send("GET", api.url() + "/jobs", null);
                return list.statusCode() == 200 && JSON.readTree(list.body()).get("jobs").size() == 2;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ---------------------------------------------------------------------------------- helpers

    private static int counted(JsonNode summary) {
        return summary.get("succeeded").intValue() + summary.get("failed").intValue();
    }

    /** {@code count} valid images, linked (or copied) from the first set's scenes, one file per task. */
    private static Path largeJob(int count) throws IOException {
        List<Path> scenes;
        try (Stream<Path> files = Files.list(set.directory())) {
            scenes = files.filter(p -> p.getFileName().toString().startsWith("scene-")).sorted().toList();
        }
        Path large = Files.createDirectories(dir.resolve("images/large"));
        for (int i = 0; i < count; i++) {
            Path scene = scenes.get(i % scenes.size());
            String name = scene.getFileName().toString();
            Path copy = large.resolve(String.format("copy-%04d%s", i, name.substring(name.lastIndexOf('.'))));
            try {
                Files.createLink(copy, scene);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(scene, copy);
            }
        }
        return large;
    }

    /** The instance Kafka Streams names as active for the job's partition. */
    private static HostInfo owner(String jobId) {
        return owner(aggregators[0], jobId);
    }

    /** The active instance for the job's partition, as {@code asked} sees it. */
    private static HostInfo owner(Aggregator asked, String jobId) {
        return asked.streams().kafkaStreams()
                .queryMetadataForKey(JobAggregatorTopology.JOB_SUMMARIES_STORE, jobId, Serdes.String().serializer())
                .activeHost();
    }

    private static JsonNode awaitSummary(String base, String jobId, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send("GET", base + "/jobs/" + jobId, null);
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode summary = JSON.readTree(response.body());
                if (condition.test(summary)) {
                    return summary;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " not as expected within " + JOB_TIMEOUT.toSeconds() + " s; last answer: " + last);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + JOB_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Every committed result of {@code jobId}, read from the results topic until {@code expected} are in. */
    private static List<ImageResult> results(String jobId, int expected) {
        Map<String, Object> props = KafkaClients.base(config, "results-reader");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ImageResult> found = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = topics.imageResults().name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    ImageResult result = topics.imageResults().value(record);
                    if (result.getJobId().equals(jobId)) {
                        found.add(result);
                    }
                }
            }
        }
        assertThat(found.size()).as("results of " + jobId).isGreaterThanOrEqualTo(expected);
        return found;
    }

    private static HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).method(method, publisher).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
