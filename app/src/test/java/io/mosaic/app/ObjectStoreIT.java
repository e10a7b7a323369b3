package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.chaos.ChaosImages;
import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.testing.FaultyTcpProxy;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs whose images live only in an S3 server (S3Proxy), analysed by worker processes that share
 * no directory with the submitter: each runs in a directory of its own, may read no local file
 * but its own empty folder, and gets the server's key pair from its environment, as the AWS SDK's
 * standard chain reads it. The workers reach the store through a proxy that slows answers down,
 * so that downloads take a while and a {@code kill -9} lands in the middle of some.
 */
class ObjectStoreIT {

    private static final int IMAGES = 100;

    @TempDir
    static Path dir;

    private static EmbeddedS3Server s3;
    private static FaultyTcpProxy slowStore;
    private static Pipeline pipeline;
    private static final List<ChildJvm> children = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s3 = new EmbeddedS3Server();
        s3.start();
        s3.createBucket("photos");
        slowStore = new FaultyTcpProxy(URI.create(s3.endpoint()).getPort());
        Path nothing = Files.createDirectories(dir.resolve("pipeline-files"));
        pipeline = Pipeline.builder().brokers(1).workers(0).images(nothing).reportDir(dir.resolve("reports"))
                .workDir(Files.createDirectories(dir.resolve("work"))).instanceId("s3-it").start();
    }

    @AfterAll
    static void stop() throws Exception {
        children.forEach(ChildJvm::destroy);
        if (pipeline != null) {
            pipeline.close();
        }
        if (slowStore != null) {
            slowStore.close();
        }
        if (s3 != null) {
            s3.stop();
        }
    }

    /** Options that let a process read {@code photos} (and the {@code ghost} bucket, which does not exist) from {@code endpoint}. */
    private static List<String> s3Options(String endpoint) {
        return List.of("--set", S3Settings.ALLOWED_BUCKETS.key() + "=photos,ghost",
                "--set", S3Settings.ENDPOINT.key() + "=" + endpoint);
    }

    /** A worker process in a directory of its own, reading images through the slow proxy only. */
    private static ChildJvm worker(String name) throws IOException {
        return worker(name, slowStore.endpoint());
    }

    /** A worker process in a directory of its own, reading images from {@code endpoint} only. */
    private static ChildJvm worker(String name, String endpoint) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path ownFiles = Files.createDirectories(home.resolve("files"));
        List<String> args = new ArrayList<>(ChildJvm.connection(pipeline.config()));
        args.addAll(List.of("--http-port", "0", "--threads", "2",
                "--set", KafkaSettings.INSTANCE_ID.key() + "=" + name,
                "--set", SourceRoots.FILE_ALLOWED_ROOTS.key() + "=" + ownFiles));
        args.addAll(s3Options(endpoint));
        ChildJvm worker = new ChildJvm(name, "worker", args, "256m", home.resolve("worker.log"))
                .withEnvironment(s3.clientEnvironment()).inDirectory(home);
        children.add(worker);
        return worker;
    }

    /**
     * {@code mosaic submit ARGS} as a process in {@code home}, reading the store directly with its
     * key pair from the environment; its output goes to {@code home/submit.log}.
     */
    private static Process submit(Path home, String heap, String... submitArgs) throws IOException {
        List<String> args = new ArrayList<>(ChildJvm.connection(pipeline.config()));
        args.addAll(List.of(submitArgs));
        args.addAll(s3Options(s3.endpoint()));
        ProcessBuilder submit = new ProcessBuilder(ChildJvm.command(List.of("-Xmx" + heap, "-XX:+UseSerialGC"), "submit", args))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("submit.log").toFile());
        submit.environment().putAll(s3.clientEnvironment());
        return submit.start();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void submitOfABucketPrefixCompletesWithExactCountsThoughAWorkerIsKilledMidDownload() throws Exception {
        ChaosImages.InputSet images = ChaosImages.write(s3.createBucket("photos").resolve("cli"), IMAGES, 7);
        ChildJvm w1 = worker("w1");
        ChildJvm w2 = worker("w2");
        w1.start();
        w2.start();
        w1.awaitRunning(Duration.ofSeconds(90));
        w2.awaitRunning(Duration.ofSeconds(90));
        // About 50 KB a second per download: a scene takes a second or so to arrive.
        slowStore.throttle(50_000);

        Path submitHome = Files.createDirectories(dir.resolve("submitter"));
        Process submitter = submit(submitHome, "256m", "s3://photos/cli", "--job-id", "s3-cli", "--wait", "--timeout", "300");
        try {
            await().atMost(Duration.ofMinutes(3)).until(() -> results("s3-cli") >= 10 && slowStore.relaying() > 0);
            int before = results("s3-cli");
            w1.kill();
            w1.start();
            w1.awaitRunning(Duration.ofSeconds(90));
            assertThat(before).as("killed before the job was done").isLessThan(IMAGES);

            assertThat(submitter.waitFor(5, TimeUnit.MINUTES)).as("submit --wait returned").isTrue();
        } finally {
            submitter.destroyForcibly();
            slowStore.throttle(0);
        }
        String output = Files.readString(submitHome.resolve("submit.log"), StandardCharsets.UTF_8);
        assertThat(submitter.exitValue()).as(output).isZero();
        assertThat(output).contains("jobId=s3-cli", "taskCount=" + IMAGES, "state=COMPLETED",
                "succeeded=" + images.expected(ResultStatus.OK), "failed=" + images.expected(ResultStatus.FAILED));
        JobSummary summary = pipeline.aggregator().localSummary("s3-cli").orElseThrow();
        assertThat(summary.getSource()).isEqualTo("s3://photos/cli/");
        assertThat(summary.getSucceeded() + summary.getFailed()).isEqualTo(IMAGES);
        assertThat(summary.getSumBytes()).isEqualTo(images.totalBytes());
        Path report = pipeline.awaitReport("s3-cli", Duration.ofSeconds(60)).orElseThrow();
        JsonNode timing = new ObjectMapper().readTree(report.toFile()).path("timing");
        // The slow store shows: getting an image took longer than decoding and measuring it.
        assertThat(timing.path("fetchMsPerImage").asDouble()).as(timing.toString())
                .isGreaterThan(timing.path("decodeMsPerImage").asDouble() + timing.path("analysisMsPerImage").asDouble());
        assertThat(timing.has("listingMs")).isTrue();
        assertNoSecretIn(submitHome, dir.resolve("w1"), dir.resolve("w2"));
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aBucketOfTenThousandImagesIsListedPageByPageAndEveryOneAnalysedOnce() throws Exception {
        int count = 10_000;
        Path many = Files.createDirectories(s3.createBucket("photos").resolve("many"));
        for (int i = 0; i < count; i++) {
            SampleImages.write(SampleImages.scene(i, 24, 16), "png", many.resolve(String.format("%05d.png", i)));
        }
        ChildJvm w4 = worker("w4", s3.endpoint());
        w4.start();
        w4.awaitRunning(Duration.ofSeconds(90));

        Path submitHome = Files.createDirectories(dir.resolve("submitter-many"));
        Process submitter = submit(submitHome, "128m", "s3://photos/many/", "--job-id", "s3-many", "--wait", "--timeout", "360");
        try {
            assertThat(submitter.waitFor(7, TimeUnit.MINUTES)).as("submit --wait returned").isTrue();
        } finally {
            submitter.destroyForcibly();
            w4.destroy();
        }
        String output = Files.readString(submitHome.resolve("submit.log"), StandardCharsets.UTF_8);
        assertThat(submitter.exitValue()).as(output).isZero();
        assertThat(output).contains("taskCount=" + count, "state=COMPLETED", "succeeded=" + count, "failed=0");
        JobSummary summary = pipeline.aggregator().localSummary("s3-many").orElseThrow();
        assertThat(summary.getSucceeded()).isEqualTo(count);
        assertThat(summary.getListingMs()).isPositive();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theJobsApiTakesABucketPrefixOrAListOfUrisAndRefusesWhatItCannotList() throws Exception {
        ChaosImages.InputSet images = ChaosImages.write(s3.createBucket("photos").resolve("api"), 40, 11);
        ChildJvm w3 = worker("w3");
        w3.start();
        int port = ChildProcesses.freePort("127.0.0.1");
        Path apiHome = Files.createDirectories(dir.resolve("jobs-api"));
        List<String> args = new ArrayList<>(ChildJvm.connection(pipeline.config()));
        args.addAll(List.of("--http-port", Integer.toString(port)));
        args.addAll(s3Options(s3.endpoint()));
        ChildJvm api = new ChildJvm("jobs-api", "jobs-api", args, "256m", apiHome.resolve("jobs-api.log"))
                .withEnvironment(s3.clientEnvironment()).inDirectory(apiHome);
        children.add(api);
        api.start();
        api.awaitRunning(Duration.ofSeconds(90));
        w3.awaitRunning(Duration.ofSeconds(90));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> accepted = post(http, port, "{\"source\": \"s3://photos/api\", \"jobId\": \"s3-api\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"taskCount\":40", "\"source\":\"s3://photos/api/\"");
        JobSummary summary = awaitCompleted("s3-api");
        assertThat(summary.getSucceeded()).isEqualTo(images.expected(ResultStatus.OK));
        assertThat(summary.getFailed()).isEqualTo(images.expected(ResultStatus.FAILED));

        HttpResponse<String> list = post(http, port, "{\"urls\": [\"s3://photos/api/image-0000.png\", \"s3://photos/api/broken-0019-empty.jpg\","
                + " \"s3://photos/api/missing.png\"], \"jobId\": \"s3-urls\"}");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(202);
        JobSummary urls = awaitCompleted("s3-urls");
        assertThat(urls.getSucceeded()).isEqualTo(1);
        assertThat(urls.getFailed()).isEqualTo(2);

        assertRefused(http, port, "{\"source\": \"s3://photos/nothing-here\"}", "no objects under s3://photos/nothing-here/");
        assertRefused(http, port, "{\"source\": \"s3://ghost/x\"}", "no such bucket: ghost");
        assertRefused(http, port, "{\"source\": \"s3://private/x\"}", "bucket not allowed: private");
        assertRefused(http, port, "{\"urls\": [\"http://169.254.169.254/latest/meta-data/\"]}", "http sources are off");
        assertNoSecretIn(apiHome, dir.resolve("w3"));
    }

    private static void assertRefused(HttpClient http, int port, String body, String reason) throws Exception {
        HttpResponse<String> refused = post(http, port, body);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains(reason);
    }

    private static HttpResponse<String> post(HttpClient http, int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int results(String jobId) {
        Optional<JobSummary> summary = pipeline.aggregator().localSummary(jobId);
        return summary.map(s -> s.getSucceeded() + s.getFailed()).orElse(0);
    }

    private static JobSummary awaitCompleted(String jobId) {
        await().atMost(Duration.ofMinutes(4)).until(() -> pipeline.aggregator().localSummary(jobId)
                .map(s -> s.getState() == JobState.COMPLETED).orElse(false));
        return pipeline.aggregator().localSummary(jobId).orElseThrow();
    }

    /** No process wrote the store's secret key anywhere it writes: logs, output, files. */
    private static void assertNoSecretIn(Path... homes) throws IOException {
        String secret = s3.clientEnvironment().get("AWS_SECRET_ACCESS_KEY");
        for (Path home : homes) {
            try (Stream<Path> files = Files.walk(home)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(secret);
                }
            }
        }
    }
}
