package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on three brokers in processes of their own, replication factor 3 and
 * min.insync.replicas 2, with two brokers killed in the middle of a job: writes are refused rather
 * than accepted by a lone replica, the job stalls instead of losing anything, and once the brokers
 * return it completes with every task counted exactly once.
 */
class TwoBrokersDownIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 7, unit = TimeUnit.MINUTES)
    void aJobStallsWhileTwoOfThreeBrokersAreDownAndCompletesExactlyWhenTheyReturn() throws Exception {
        SampleImages.SampleSet set = SampleImages.writeSampleSet(dir.resolve("images"), 150, 17);
        try (Pipeline pipeline = Pipeline.builder().brokers(3).childProcesses(true).workers(2).images(set.directory())
                .reportDir(dir.resolve("reports")).workDir(dir).instanceId("two-down").start()) {
            EmbeddedKafkaCluster kafka = pipeline.cluster();
            JobSubmitter.SubmittedJob job = pipeline.submit(set.directory(), null, Progress.none());
            assertThat(job.taskCount()).isEqualTo(set.taskCount());

            await("first results folded").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> done(pipeline, job.jobId()) > 0);
            kafka.killBroker(2);
            kafka.killBroker(3);
            JobSummary atKill = pipeline.aggregator().localSummary(job.jobId()).orElseThrow();
            assertThat(atKill.getState()).as("the job was still running when the brokers went").isNotEqualTo(JobState.COMPLETED);

            // One replica left, under min.insync.replicas: an acks=all write is refused, not acknowledged.
            try (KafkaProducer<byte[], byte[]> probe = probe(pipeline)) {
                assertThatThrownBy(() -> probe.send(new ProducerRecord<>(pipeline.topics().imageTasks().name(), new byte[] {1}))
                        .get(40, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof NotEnoughReplicasException
                                || c instanceof NotEnoughReplicasAfterAppendException
                                || c instanceof org.apache.kafka.common.errors.TimeoutException
                                || c instanceof java.util.concurrent.TimeoutException));
            }
            assertThat(pipeline.report(job.jobId())).as("no report while two brokers are down").isEmpty();

            kafka.restartBroker(2);
            kafka.restartBroker(3);
            Path report = pipeline.awaitReport(job.jobId(), Duration.ofMinutes(4))
                    .orElseThrow(() -> new AssertionError("no report after the brokers returned; summary "
                            + pipeline.aggregator().localSummary(job.jobId()).orElse(null)));

            JsonNode json = JSON.readTree(report.toFile());
            assertThat(json.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(json.get("succeeded").asInt()).isEqualTo(set.images());
            assertThat(json.get("failed").asInt()).isEqualTo(set.broken());
            Set<String> uris = new HashSet<>();
            json.get("images").forEach(image -> assertThat(uris.add(image.get("uri").asText())).as("counted once").isTrue());
            assertThat(uris).hasSize(set.taskCount());
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable c = e; c != null && !causes.contains(c); c = c.getCause()) {
            causes.add(c);
        }
        return causes;
    }

    private static int done(Pipeline pipeline, String jobId) {
        return pipeline.aggregator().localSummary(jobId).map(s -> s.getSucceeded() + s.getFailed()).orElse(0);
    }

    private static KafkaProducer<byte[], byte[]> probe(Pipeline pipeline) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.config().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
