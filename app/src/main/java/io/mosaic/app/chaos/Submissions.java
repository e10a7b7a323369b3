package io.mosaic.app.chaos;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** How a chaos run submits its job: the first time paced over the publishing time, again at full speed. */
final class Submissions {

    private Submissions() {
    }

    /** The first submission's settings: its tasks paced by {@link PacingInterceptor} over {@code publishOver}. */
    static MosaicConfig paced(MosaicConfig config, Topics topics, int tasks, Duration publishOver) {
        long interval = publishOver.toMillis() / Math.max(1, tasks);
        return MosaicConfig.builder()
                .set(KafkaSettings.BOOTSTRAP_SERVERS, config.bootstrapServers())
                .set(KafkaSettings.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl())
                .set(KafkaSettings.INSTANCE_ID, "chaos-submit")
                .flags(Map.of(
                        "kafka." + ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, PacingInterceptor.class.getName(),
                        "kafka." + PacingInterceptor.INTERVAL_CONFIG, Long.toString(interval),
                        "kafka." + PacingInterceptor.TOPIC_CONFIG, topics.taskBacklog().name()))
                .build();
    }

    /** Publishes the job; a broker that is down makes a send fail only after retries, so try again a few times. */
    static String submit(JobSubmitter submitter, Path images, String jobId, String what) throws InterruptedException {
        long startedAt = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                JobSubmitter.SubmittedJob job = submitter.submit(images, jobId, Progress.none());
                return String.format(Locale.ROOT, "%s %s: %d tasks in %.1f s%s", what, job.jobId(), job.taskCount(),
                        (System.nanoTime() - startedAt) / 1e9, attempt > 1 ? " (attempt " + attempt + ")" : "");
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(2_000);
            }
        }
        throw last;
    }
}
