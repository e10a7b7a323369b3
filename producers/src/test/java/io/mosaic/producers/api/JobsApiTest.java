package io.mosaic.producers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.json.JobSummaryJson;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs API's answers that need no broker: requests refused before anything is published, and
 * summaries relayed from an aggregator stand-in. Submitting and cancelling for real is JobsApiIT's.
 */
class JobsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService aggregator;
    private HttpService http;
    private JobsApi api;

    @BeforeEach
    void start() throws Exception {
        aggregator = new HttpService("aggregator-stand-in", "127.0.0.1", 0).route("/jobs", request -> switch (request.path()) {
            case "/jobs/running" -> HttpService.Response.json(200, JobSummaryJson.toJson(summary("running", JobState.RUNNING)));
            case "/jobs/done" -> HttpService.Response.json(200, JobSummaryJson.toJson(summary("done", JobState.COMPLETED)));
            case "/jobs" -> HttpService.Response.json(200, JobSummaryJson.toJson(java.util.List.of(summary("done", JobState.COMPLETED))));
            default -> HttpService.Response.json(404, Map.of("error", "no job"));
        });
        aggregator.start();
        Files.createDirectories(dir.resolve("allowed/photos"));
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(dir.resolve("allowed/file.txt"), "x");
        MosaicConfig config = MosaicConfig.builder()
                .set(KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:" + closedPort())
                .set(JobsApi.AGGREGATOR_URLS, aggregator.url())
                .set(SourceRoots.FILE_ALLOWED_ROOTS, dir.resolve("allowed").toString())
                // No broker here: one failed connection is enough to log, not one every 50 ms.
                .flags(Map.of("kafka.reconnect.backoff.ms", "60000", "kafka.reconnect.backoff.max.ms", "60000"))
                .build();
        api = new JobsApi(config, Topics.create(config.topicSettings(), new SchemaRegistryClient("http://127.0.0.1:" + closedPort())));
        api.validate();
        api.start();
        http = new HttpService("jobs-api", "127.0.0.1", 0).route(JobsApi.PATH, api);
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop();
        api.stop();
        api.stop();
        aggregator.stop();
    }

    private static JobSummary summary(String jobId, JobState state) {
        return JobSummary.newBuilder().setJobId(jobId).setState(state).setSource("file:/photos/").setTaskCount(3)
                .setSucceeded(2).setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z")).build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return client.send(HttpRequest.newBuilder(URI.create(http.url() + path)).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error").textValue();
    }

    @Test
    void aBadBodyIs400WithAJsonError() throws Exception {
        HttpResponse<String> badJson = send("POST", "/jobs", "{\"source\": ");
        HttpResponse<String> noSource = send("POST", "/jobs", "{\"jobId\": \"x\"}");

        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(error(badJson)).contains("not valid JSON");
        assertThat(noSource.statusCode()).isEqualTo(400);
        assertThat(error(noSource)).contains("missing field 'source'");
    }

    @Test
    void withNoRootsConfiguredOnlyTheWorkingDirectoryIsReadable() throws Exception {
        MosaicConfig defaults = MosaicConfig.builder().set(JobsApi.AGGREGATOR_URLS, aggregator.url()).build();
        JobsApi secure = new JobsApi(defaults, Topics.create(defaults.topicSettings(), new SchemaRegistryClient("http://127.0.0.1:1")));

        assertThatThrownBy(() -> secure.checkedDirectory(Path.of("/etc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside").hasMessageContaining(SourceRoots.FILE_ALLOWED_ROOTS.key());
        // '..' and symbolic links are resolved before the check.
        assertThatThrownBy(() -> secure.checkedDirectory(Path.of("").toAbsolutePath().resolve("../../../../../../../etc")))
                .hasMessageContaining("outside");
        Path workingDirectory = Path.of("").toAbsolutePath();
        assertThat(secure.checkedDirectory(workingDirectory)).isEqualTo(workingDirectory.toRealPath());
    }

    @Test
    void aSourceThatIsNotAnAllowedDirectoryIs400() throws Exception {
        HttpResponse<String> missing = send("POST", "/jobs", "{\"source\": \"" + dir.resolve("allowed/nothing-here") + "\"}");
        HttpResponse<String> file = send("POST", "/jobs", "{\"source\": \"" + dir.resolve("allowed/file.txt").toUri() + "\"}");
        HttpResponse<String> outside = send("POST", "/jobs", "{\"source\": \"" + dir.resolve("elsewhere") + "\"}");
        HttpResponse<String> escaping = send("POST", "/jobs", "{\"source\": \"" + dir.resolve("allowed/photos/../../elsewhere") + "\"}");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing)).contains("names no directory").contains("nothing-here");
        assertThat(file.statusCode()).isEqualTo(400);
        assertThat(error(file)).contains("is not a directory");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(error(outside)).contains("outside").contains(SourceRoots.FILE_ALLOWED_ROOTS.key());
        assertThat(escaping.statusCode()).isEqualTo(400);
        assertThat(error(escaping)).contains("outside");
    }

    @Test
    void summariesAreRelayedFromTheAggregatorAndUnknownJobsAre404() throws Exception {
        HttpResponse<String> running = send("GET", "/jobs/running", null);
        HttpResponse<String> list = send("GET", "/jobs", null);
        HttpResponse<String> unknown = send("GET", "/jobs/unknown", null);

        assertThat(running.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(running.body());
        assertThat(JobSummaryJson.fromJson(json)).isEqualTo(summary("running", JobState.RUNNING));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).get("jobs")).hasSize(1);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).contains("unknown");
    }

    @Test
    void cancellingAnUnknownJobIs404AndACompletedOne409() throws Exception {
        HttpResponse<String> unknown = send("DELETE", "/jobs/unknown", null);
        HttpResponse<String> done = send("DELETE", "/jobs/done", null);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(done.statusCode()).isEqualTo(409);
        assertThat(error(done)).contains("COMPLETED");
    }

    @Test
    void otherMethodsAndPathsAreRefused() throws Exception {
        assertThat(send("PUT", "/jobs", "{}").statusCode()).isEqualTo(405);
        assertThat(send("POST", "/jobs/running", "{}").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/jobs/a/b", null).statusCode()).isEqualTo(404);
    }

    @Test
    void withEveryAggregatorDownReadsAre503() throws Exception {
        aggregator.stop();

        HttpResponse<String> response = send("GET", "/jobs/running", null);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(error(response)).contains("no aggregator answered");
    }
}
