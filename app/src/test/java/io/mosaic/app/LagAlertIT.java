package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.dashboard.Dashboard;
import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.testing.TestBackend;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard watching the real analyzer workers on a real broker: when the workers stop while
 * tasks keep arriving, the analyzer group turns unhealthy, its lag in seconds grows with wall
 * time, and the webhook is called; when workers come back, the group recovers and the webhook
 * says so.
 */
class LagAlertIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = AnalyzerWorker.GROUP_ID;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final AtomicBoolean feeding = new AtomicBoolean();
    private TestBackend backend;
    private WebhookReceiver receiver;
    private Lifecycles parts;
    private Thread feeder;
    private Dashboard dashboard;
    /** When the offsets behind the last {@link #group()} answer were read. */
    private volatile long lastReportTime;

    @AfterEach
    void stopAll() throws InterruptedException {
        feeding.set(false);
        if (feeder != null) {
            feeder.join(30_000);
        }
        if (parts != null) {
            parts.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void stoppedWorkersTurnTheGroupUnhealthyAndAlertAndTheirReturnResolvesIt() throws Exception {
        // The group's alerts; the jobs fed while the workers are stopped may stall and alert too.
        receiver = new WebhookReceiver(alert -> alert.has("group"));

        // Two small images a job: enough to keep the backlog growing, little to work off on return.
        Path images = Files.createDirectories(dir.resolve("images"));
        SampleImages.write(SampleImages.scene(1, 64, 48), "png", images.resolve("a.png"));
        SampleImages.write(SampleImages.scene(2, 64, 48), "png", images.resolve("b.png"));

        backend = TestBackend.embedded(1);
        MosaicConfig config = backend.config()
                .with(WorkerSettings.THREADS, "2")
                // No aggregator, so no dispatcher: tasks go straight to the workers' queue.
                .with(DispatchSettings.ENABLED, "false")
                // One partition: a partition the group never committed on has an unknown lag (its
                // start is the consumer's auto.offset.reset), so with many, tasks fed to those
                // would not show as lag and the backlog could look flat.
                .with(TopicConfig.TOPIC_TASKS_PARTITIONS, "1")
                .with(SourceRoots.FILE_ALLOWED_ROOTS, images.toString())
                .with(KafkaSettings.INSTANCE_ID, "lag-alert-it")
                .with(DashboardSettings.PORT, "0")
                .with(DashboardSettings.LAG_INTERVAL_MS, "500")
                .with(DashboardSettings.LAG_WINDOW, "4")
                .with(DashboardSettings.LAG_GROUPS, GROUP)
                .with(DashboardSettings.ALERT_WEBHOOK_URLS, receiver.url())
                .with(DashboardSettings.ALERT_AFTER_MS, "2000")
                .with(DashboardSettings.ALERT_MIN_INTERVAL_MS, "0");
        Topics topics = ServiceOptions.topics(config);
        TopicAdmin.createTopics(config, topics);

        parts = new Lifecycles();
        dashboard = parts.start(new Dashboard(config, topics));
        AnalyzerWorker workers = parts.start(new AnalyzerWorker(config, topics, Wiring.taskProcessor(config)));
        JobSubmitter submitter = new JobSubmitter(config, topics);
        submitter.submit(images, "warm-up", Progress.none());

        JsonNode healthy = awaitGroup(Duration.ofMinutes(2), g -> g.get("status").asText().equals("OK")
                && g.get("lag").asLong() == 0 && committedEverywhere());
        assertThat(healthy.get("lagSeconds").asDouble()).isZero();

        workers.stop();
        AtomicInteger jobs = new AtomicInteger();
        feeding.set(true);
        feeder = new Thread(() -> {
            while (feeding.get()) {
                submitter.submit(images, "feed-" + jobs.incrementAndGet(), Progress.none());
                sleep(300);
            }
        }, "lag-alert-it-feeder");
        feeder.start();

        JsonNode unhealthy = awaitGroup(Duration.ofMinutes(1), g -> Set.of("WARN", "STOP").contains(g.get("status").asText()));
        long lagBefore = unhealthy.get("lag").asLong();
        double secondsBefore = unhealthy.get("lagSeconds").asDouble();
        long readBefore = lastReportTime;
        sleep(4_000);
        JsonNode later = group();
        double elapsed = (lastReportTime - readBefore) / 1000.0;
        assertThat(elapsed).as("wall time between the two reads of the offsets").isGreaterThanOrEqualTo(3.0);
        assertThat(later.get("lag").asLong()).as("tasks keep arriving").isGreaterThan(lagBefore);
        // The oldest unread task ages one second per second of wall time.
        assertThat(later.get("lagSeconds").asDouble() - secondsBefore).isCloseTo(elapsed, within(1.0));
        assertThat(later.get("consumeRate").asDouble()).isZero();
        assertThat(later.get("drainSeconds").isNull()).as("nothing consumed: no drain time").isTrue();

        // No member left and no progress over a whole window: STOP, and the alert fires.
        awaitGroup(Duration.ofMinutes(1), g -> g.get("status").asText().equals("STOP"));
        JsonNode firing = await().atMost(Duration.ofMinutes(1)).until(() -> receiver.first("FIRING"), a -> a != null);
        assertThat(firing.get("group").asText()).isEqualTo(GROUP);
        assertThat(Set.of("WARN", "STALL", "STOP")).contains(firing.get("status").asText());
        assertThat(firing.get("lag").asLong()).isPositive();
        assertThat(receiver.first("RESOLVED")).isNull();

        feeding.set(false);
        feeder.join(30_000);
        parts.start(new AnalyzerWorker(config, topics, Wiring.taskProcessor(config)));

        JsonNode recovered = awaitGroup(Duration.ofMinutes(2), g -> g.get("status").asText().equals("OK") && g.get("lag").asLong() == 0);
        assertThat(recovered.get("lagSeconds").asDouble()).isZero();
        JsonNode resolved = await().atMost(Duration.ofMinutes(1)).until(() -> receiver.first("RESOLVED"), a -> a != null);
        assertThat(resolved.get("group").asText()).isEqualTo(GROUP);
        assertThat(resolved.get("status").asText()).isEqualTo("OK");
        assertThat(resolved.get("text").asText()).contains("recovered");
        assertThat(receiver.alerts()).extracting(a -> a.get("event").asText()).containsExactly("FIRING", "RESOLVED");
        assertThat(statuses).startsWith("OK").contains("STOP").endsWith("OK");
        submitter.close();
    }

    /** True once the group has committed an offset on every partition of the tasks topic. */
    private boolean committedEverywhere() throws Exception {
        JsonNode partitions = get("/api/groups/" + GROUP).get("group").get("partitions");
        for (JsonNode p : partitions) {
            if (p.get("committedOffset").isNull() && p.get("latestOffset").asLong() > 0) {
                return false;
            }
        }
        return partitions.size() > 0;
    }

    private JsonNode awaitGroup(Duration atMost, ThrowingPredicate condition) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(this::group, g -> {
            try {
                return g != null && condition.test(g);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The group as {@code /api/groups} shows it now; records every status seen. */
    private JsonNode group() throws Exception {
        JsonNode report = get("/api/groups");
        lastReportTime = report.get("time").asLong();
        for (JsonNode g : report.get("groups")) {
            if (g.get("group").asText().equals(GROUP)) {
                String status = g.get("status").asText();
                if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
                    statuses.add(status);
                }
                return g;
            }
        }
        return null;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(dashboard.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface ThrowingPredicate {
        boolean test(JsonNode group) throws Exception;
    }
}
