package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.platform.progress.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's webhook for a stalled job, end to end on a real broker: a job whose tasks wait
 * for workers that are not there stops getting results, and after {@code dashboard.job.stall.ms}
 * the webhook says it is STALLED; a worker started then finishes it, and the webhook says the
 * stall ended. Consumer lag shows none of it: the dispatcher lets a window of tasks into the
 * workers' queue, so the group's lag stays small.
 */
class JobStallAlertIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aJobWithoutWorkersStallsAndAlertsAndAWorkerThatFinishesItResolvesTheAlert() throws Exception {
        // The job's alerts; the workers' group may alert too.
        WebhookReceiver receiver = new WebhookReceiver(alert -> alert.has("job"));
        String webhook = receiver.url();
        Path images = SampleImages.writeSampleSet(dir.resolve("images"), 3, 11).directory();
        try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(0).images(images).reportDir(dir.resolve("reports"))
                .workDir(dir.resolve("state")).instanceId("stall-alert").dashboard(true)
                .configure(config -> config.set(DashboardSettings.ALERT_WEBHOOK_URLS, webhook)
                        .set(DashboardSettings.JOB_STALL_MS, "3000")
                        .set(DashboardSettings.ALERT_MIN_INTERVAL_MS, "0"))
                .start()) {
            String jobId = pipeline.submit(images, "stall-alert-job", Progress.none()).jobId();

            JsonNode firing = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> receiver.first("FIRING"), alert -> alert != null);
            assertThat(firing.get("job").asText()).isEqualTo(jobId);
            assertThat(firing.get("status").asText()).isEqualTo("STALLED");
            assertThat(firing.get("done").asInt()).isZero();
            assertThat(firing.get("durationSeconds").asDouble()).isGreaterThanOrEqualTo(3.0);
            assertThat(firing.get("text").asText()).contains("job " + jobId + " is STALLED: no result for");
            assertThat(receiver.first("RESOLVED")).isNull();

            AnalyzerWorker worker = new AnalyzerWorker(pipeline.config(), pipeline.topics(), Wiring.taskProcessor(pipeline.config()));
            worker.start();
            try {
                pipeline.awaitCompleted(jobId, Duration.ofMinutes(2), Duration.ofMillis(250), summary -> { });
                JsonNode resolved = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> receiver.first("RESOLVED"), alert -> alert != null);
                assertThat(resolved.get("job").asText()).isEqualTo(jobId);
                assertThat(Set.of("RUNNING", "COMPLETED")).contains(resolved.get("status").asText());
                assertThat(resolved.get("text").asText()).contains("is no longer stalled");
            } finally {
                worker.stop();
            }
            // One stall, one alert: the job was not reported again while it stayed stalled.
            assertThat(receiver.alerts()).extracting(a -> a.get("event").asText()).containsExactly("FIRING", "RESOLVED");
        } finally {
            receiver.close();
        }
    }
}
