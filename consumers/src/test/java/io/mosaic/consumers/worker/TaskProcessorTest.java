package io.mosaic.consumers.worker;

import static io.mosaic.consumers.source.TestHttpServer.failFirst;
import static io.mosaic.consumers.source.TestHttpServer.png;
import static io.mosaic.consumers.source.TestHttpServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.analysis.AnalysisLimits;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.consumers.source.ImageSources;
import io.mosaic.consumers.source.SourceSettings;
import io.mosaic.consumers.source.TestHttpServer;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every task ends as exactly one result, whatever its source does: the worker's side of the job's count. */
class TaskProcessorTest {

    private static final byte[] IMAGE = png(64, 3);
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path temp;

    private Path root;
    private TestHttpServer server;
    private final ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(temp.resolve("images"));
        server = TestHttpServer.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aFlakyRemoteImageIsAnalysedAfterRetriesAndCountsItsAttempts() {
        ImageResult result = flakyImage(4);
        assertThat(result.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(result.getAttempts()).isEqualTo(3);
        assertThat(result.getFormat()).isEqualTo("png");
        assertThat(result.getWidth()).isEqualTo(64);
        assertThat(result.getBytes()).isEqualTo(IMAGE.length);
        assertThat(result.getError()).isNull();
        // Two waits of at least 2.5 and 5 ms (5 and 10 ms less up to half of jitter) are fetch time.
        assertThat(result.getFetchMicros()).isGreaterThanOrEqualTo(7_000);
        assertThat(result.getDecodeMicros()).isPositive();
        assertThat(result.getAnalysisMicros()).isPositive();
        assertThat(result.getDecodeMicros() + result.getAnalysisMicros()).isLessThanOrEqualTo((result.getDurationMs() + 1) * 1000);
    }

    @Test
    void withRetriesOffTheFlakyImageFails() {
        ImageResult result = flakyImage(1);
        assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getAttempts()).isEqualTo(1);
        assertThat(result.getError()).isEqualTo("HTTP 500 from " + server.uri("/flaky.png") + " (gave up after 1 attempt)");
    }

    /** An image whose first two fetches answer HTTP 500, fetched with at most {@code attempts}. */
    private ImageResult flakyImage(int attempts) {
        server.on("/flaky.png", failFirst(2, 500, IMAGE));
        return processor(attempts).process(task(server.uri("/flaky.png").toString()), "w-0");
    }

    @Test
    void exhaustedRetriesAreAFailedResultWithTheLastErrorAndTheAttempts() {
        server.on("/broken.png", status(503));
        ImageResult result = processor(4).process(task(server.uri("/broken.png").toString()), "w-0");
        assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getAttempts()).isEqualTo(4);
        assertThat(result.getError()).isEqualTo("HTTP 503 from " + server.uri("/broken.png") + " (gave up after 4 attempts)");
        assertThat(result.getPerceptualHashHex()).isNull();
        assertThat(result.getAnalyzedAt()).isEqualTo(NOW);
    }

    @Test
    void aDownloadThatIsNotAnImageFailsOnceWithTheAnalyzersReason() {
        server.on("/notes.png", TestHttpServer.body("just some text".getBytes(StandardCharsets.UTF_8)));
        ImageResult result = processor(4).process(task(server.uri("/notes.png").toString()), "w-0");
        assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getAttempts()).isEqualTo(1);
        assertThat(result.getError()).isEqualTo("not a recognised image format");
        assertThat(server.requests("/notes.png")).isEqualTo(1);
    }

    @Test
    void theDemoConstructorServesFilesUnderItsRootAndNothingElse() throws Exception {
        Files.write(root.resolve("a.png"), IMAGE);
        Files.write(temp.resolve("outside.png"), IMAGE);
        TaskProcessor demo = new TaskProcessor(analyzer, List.of(root), Clock.fixed(NOW, ZoneOffset.UTC));
        ImageResult inside = demo.process(task(root.resolve("a.png").toUri().toString()), "w-0");
        ImageResult outside = demo.process(task(temp.resolve("outside.png").toUri().toString()), "w-0");
        ImageResult remote = demo.process(task(server.uri("/a.png").toString()), "w-0");
        assertThat(inside.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(inside.getAttempts()).isEqualTo(1);
        assertThat(outside.getError()).isEqualTo("path " + SourceRoots.outside(temp.resolve("outside.png")));
        assertThat(remote.getError()).startsWith("http sources are off");
        assertThat(server.requests()).isZero();
    }

    /**
     * A job mixing good images with every kind of bad source: each task gives exactly one result, with
     * its own task id, and each kind of failure has its own reason.
     */
    @Test
    void everyTaskOfAMixedJobEndsAsExactlyOneResult() throws Exception {
        server.on("/remote-ok.png", TestHttpServer.body(IMAGE))
                .on("/remote-flaky.png", failFirst(1, 502, IMAGE))
                .on("/remote-broken.png", status(500))
                .on("/remote-missing.png", status(404));
        Path outside = Files.createDirectories(temp.resolve("private"));
        Files.write(outside.resolve("secret.png"), IMAGE);
        Files.write(root.resolve("good.png"), IMAGE);
        Files.write(root.resolve("empty.png"), new byte[0]);
        Files.write(root.resolve("text.png"), "not an image".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(root.resolve("link.png"), outside.resolve("secret.png"));

        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put(root.resolve("good.png").toUri().toString(), null);
        expected.put(server.uri("/remote-ok.png").toString(), null);
        expected.put(server.uri("/remote-flaky.png").toString(), null);
        expected.put(server.uri("/remote-broken.png").toString(), "HTTP 500 from " + server.uri("/remote-broken.png") + " (gave up after 3 attempts)");
        expected.put(server.uri("/remote-missing.png").toString(), "HTTP 404 from " + server.uri("/remote-missing.png"));
        expected.put("http://images.example.org/a.png", "host not allowed: images.example.org (not in source.http.allowed.hosts)");
        expected.put(root.resolve("missing.png").toUri().toString(), "file not found: " + root.resolve("missing.png"));
        expected.put(root.toUri() + "../private/secret.png", "path " + SourceRoots.outside(outside.resolve("secret.png")));
        expected.put(outside.resolve("secret.png").toUri().toString(), "path " + SourceRoots.outside(outside.resolve("secret.png")));
        expected.put(root.resolve("link.png").toUri().toString(), "path " + SourceRoots.outside(root.resolve("link.png")
                + ", a link to " + outside.resolve("secret.png").toRealPath()));
        expected.put(root.resolve("empty.png").toUri().toString(), "empty file");
        expected.put(root.resolve("text.png").toUri().toString(), "not a recognised image format");
        expected.put("ftp://images.example.org/a.png", "unsupported source scheme 'ftp' in ftp://images.example.org/a.png (supported: file, http, https, s3)");
        expected.put("s3://photos/a.png", "s3 sources are off (source.s3.allowed.buckets is empty; set it, env MOSAIC_SOURCE_S3_ALLOWED_BUCKETS, to the buckets Mosaic may read)");
        expected.put("file:/with space.png", "not a valid URI: file:/with space.png (Illegal character in path)");

        TaskProcessor processor = processor(3);
        List<ImageTask> tasks = new ArrayList<>();
        List<ImageResult> results = new ArrayList<>();
        for (String uri : expected.keySet()) {
            ImageTask task = task(uri);
            tasks.add(task);
            results.add(processor.process(task, "w-0"));
        }

        assertThat(results).extracting(ImageResult::getTaskId)
                .containsExactlyElementsOf(tasks.stream().map(ImageTask::getTaskId).toList());
        Map<String, ImageResult> byUri = results.stream().collect(Collectors.toMap(ImageResult::getUri, Function.identity()));
        expected.forEach((uri, reason) -> {
            ImageResult result = byUri.get(uri);
            assertThat(result.getStatus()).as(uri).isEqualTo(reason == null ? ResultStatus.OK : ResultStatus.FAILED);
            assertThat(result.getError()).as(uri).isEqualTo(reason);
        });
        long ok = results.stream().filter(r -> r.getStatus() == ResultStatus.OK).count();
        long failed = results.stream().filter(r -> r.getStatus() == ResultStatus.FAILED).count();
        assertThat(ok).isEqualTo(3);
        assertThat(ok + failed).isEqualTo(tasks.size());
        assertThat(byUri.get(server.uri("/remote-flaky.png").toString()).getAttempts()).isEqualTo(2);
        assertThat(server.requests("/remote-broken.png")).isEqualTo(3);
    }

    private TaskProcessor processor(int maxAttempts) {
        MosaicConfig config = MosaicConfig.defaults()
                .with(SourceRoots.FILE_ALLOWED_ROOTS, root.toString())
                .with(SourceSettings.HTTP_ALLOWED_HOSTS, "127.0.0.1")
                .with(SourceSettings.HTTP_REQUEST_TIMEOUT_MS, "10000")
                .with(SourceSettings.RETRY_MAX_ATTEMPTS, Integer.toString(maxAttempts))
                .with(SourceSettings.RETRY_INITIAL_BACKOFF_MS, "5")
                .with(SourceSettings.RETRY_MAX_BACKOFF_MS, "20");
        return new TaskProcessor(analyzer, ImageSources.from(config), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ImageTask task(String uri) {
        return ImageTask.newBuilder()
                .setTaskId("task-" + Integer.toHexString(uri.hashCode()))
                .setJobId("job-1")
                .setUri(uri)
                .setSubmittedAt(NOW)
                .build();
    }
}
