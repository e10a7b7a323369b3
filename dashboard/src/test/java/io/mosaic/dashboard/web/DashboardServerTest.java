package io.mosaic.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.dashboard.lag.LagEvaluator;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagSource;
import io.mosaic.dashboard.lag.OffsetSnapshot;
import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import io.mosaic.dashboard.lag.TransactionMarkers;
import io.mosaic.dashboard.metrics.LagMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TopicPartition TASKS_0 = new TopicPartition("mosaic.image-tasks", 0);
    private static final TopicPartition TASKS_1 = new TopicPartition("mosaic.image-tasks", 1);

    private final LagEvaluator evaluator = new LagEvaluator(3, 1_000);
    private final LagMetrics metrics = new LagMetrics("test", () -> 0, () -> 0, () -> 0);
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<LagReport> current = new AtomicReference<>(LagReport.EMPTY);
    private DashboardServer server;

    @BeforeEach
    void start() throws IOException {
        server = new DashboardServer("127.0.0.1", 0, "test", new Rounds(evaluator, Duration.ofSeconds(1), current), metrics, null);
        server.start();
    }

    /** The lag of the test's rounds: the evaluator's histories and the last report. */
    private record Rounds(LagEvaluator evaluator, Duration interval, AtomicReference<LagReport> last) implements LagSource {
        @Override
        public LagReport current() {
            return last.get();
        }
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void servesThePageAndTheChartLibraryFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<table id=\"groups\"").contains("/assets/uplot/uPlot.iife.min.js")
                .doesNotContain("https://").doesNotContain("http://");

        HttpResponse<String> uplot = get("/assets/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot").hasSizeGreaterThan(10_000);
        assertThat(get("/assets/dashboard.js").body()).contains("/api/groups");
        assertThat(get("/assets/uplot/uPlot.min.css").statusCode()).isEqualTo(200);
        assertThat(get("/assets/../../../etc/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void answersTheJsonApiFromTheLatestReport() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(503);
        // Tasks keep arriving, 10 a second; the analyzers stopped at offset 100 and left the group.
        for (int round = 0; round < 4; round++) {
            current.set(evaluator.evaluate(new OffsetSnapshot(10_000 + round * 1_000L,
                    Map.of(TASKS_0, 100L + 10 * round, TASKS_1, 40L), Map.of(TASKS_0, 0L, TASKS_1, 0L),
                    List.of(new GroupOffsets("mosaic-analyzers", "Empty", false, Map.of(TASKS_0, 100L, TASKS_1, 40L), Map.of(), 0, null),
                            new GroupOffsets("mosaic-aggregator", "Stable", false, Map.of(TASKS_1, 40L),
                                    Map.of(TASKS_1, new Owner("c-1", "agg", "/127.0.0.1")), 1, null))),
                    TransactionMarkers.NONE));
        }
        metrics.update(current.get());

        JsonNode groups = json("/api/groups");
        assertThat(groups.get("cluster").asText()).isEqualTo("test");
        assertThat(groups.get("intervalMs").asLong()).isEqualTo(1_000);
        assertThat(groups.get("groups")).extracting(g -> g.get("group").asText()).containsExactly("mosaic-aggregator", "mosaic-analyzers");
        JsonNode analyzers = groups.get("groups").get(1);
        assertThat(analyzers.get("status").asText()).isEqualTo("STOP");
        assertThat(analyzers.get("lag").asLong()).isEqualTo(30);
        assertThat(analyzers.get("lagSeconds").asDouble()).isEqualTo(3.0);
        assertThat(analyzers.get("produceRate").asDouble()).isEqualTo(10.0);
        assertThat(analyzers.get("consumeRate").asDouble()).isZero();
        assertThat(analyzers.get("drainSeconds").isNull()).as("infinite drain time is null").isTrue();
        assertThat(analyzers.get("partitionStatus").get("STOP").asInt()).isEqualTo(1);

        JsonNode detail = json("/api/groups/mosaic-analyzers");
        JsonNode partitions = detail.get("group").get("partitions");
        assertThat(partitions).hasSize(2);
        assertThat(partitions.get(0).get("lag").asLong()).isEqualTo(30);
        assertThat(partitions.get(0).get("history").get("lag")).extracting(JsonNode::asLong).containsExactly(0L, 10L, 20L, 30L);
        assertThat(partitions.get(0).get("owner").isNull()).isTrue();
        assertThat(detail.get("group").get("history").get("time")).hasSize(4);
        assertThat(json("/api/groups/mosaic-analyzers?since=12000").get("group").get("history").get("lag"))
                .extracting(JsonNode::asLong).containsExactly(30L);

        JsonNode history = json("/api/history?since=10000");
        assertThat(history.get("groups").get("mosaic-analyzers").get("lag")).extracting(JsonNode::asLong).containsExactly(10L, 20L, 30L);
        assertThat(history.get("groups").get("mosaic-analyzers").get("status")).extracting(JsonNode::asText)
                .containsExactly("OK", "OK", "STOP");

        assertThat(get("/api/groups/nobody").statusCode()).isEqualTo(404);
        assertThat(json("/api/jobs").get("tracking").asBoolean()).isFalse();
        assertThat(json("/api/alerts").get("enabled").asBoolean()).isFalse();
        assertThat(get("/health").statusCode()).isEqualTo(200);

        HttpResponse<String> prometheus = get("/metrics");
        assertThat(prometheus.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(prometheus.body()).contains("kafka_consumergroup_group_lag{").contains("group=\"mosaic-analyzers\"");
    }

    @Test
    void refusesWrites() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/api/groups"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }
}
