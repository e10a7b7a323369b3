package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.testing.TestBackend;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.dispatch.DispatcherSettings;
import io.mosaic.streams.dispatch.TaskDispatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline on each requested {@link TestBackend}: the embedded cluster and registry, and the
 * {@code apache/kafka} and {@code cp-schema-registry} containers where a Docker engine exists
 * (skipped where none does). {@code mosaic topics create} and {@code mosaic submit --wait} run as
 * a user runs them against that cluster; a worker, the aggregator and the report writer run in
 * this JVM. Every image must be counted once, in the summary and in the report.
 */
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static List<TestBackend.Kind> backends() {
        return TestBackend.requested();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aJobSubmittedFromTheCommandLineCountsEveryImageOnce(TestBackend.Kind kind) throws Exception {
        SampleImages.SampleSet sample = SampleImages.writeSampleSet(dir.resolve("images"), 6, 31);
        Path reports = dir.resolve("reports");
        try (TestBackend backend = TestBackend.start(kind, 1)) {
            List<String> cluster = List.of("--bootstrap-servers", backend.bootstrapServers(),
                    "--schema-registry-url", backend.schemaRegistryUrl(),
                    "--set", TopicConfig.REPLICATION_FACTOR.key() + "=" + backend.brokers(),
                    "--set", TopicConfig.MIN_INSYNC_REPLICAS.key() + "=1");
            MosaicRuns.Run topicsCreate = MosaicRuns.mosaic(Stream.concat(Stream.of("topics", "create"), cluster.stream()).toArray(String[]::new));
            assertThat(topicsCreate.exitCode()).as(topicsCreate.output()).isZero();
            assertThat(topicsCreate.output()).contains("mosaic.image-tasks").contains("created");

            MosaicConfig config = backend.config()
                    .with(ReportWriter.REPORT_DIR, reports.toString())
                    .with(WorkerSettings.THREADS, "2")
                    .with(AggregatorSettings.STATE_DIR, dir.resolve("streams").toString())
                    .with(SourceRoots.FILE_ALLOWED_ROOTS, sample.directory().toString());
            Topics topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(config.schemaRegistryUrl()));
            try (Lifecycles pipeline = new Lifecycles()) {
                pipeline.start(new JobAggregator(config, topics, AggregatorSettings.defaults(), true));
                pipeline.start(new TaskDispatcher(config, topics, DispatcherSettings.from(config), true));
                pipeline.start(new ReportWriter(config, topics));
                pipeline.start(new AnalyzerWorker(config, topics, Wiring.taskProcessor(config)));

                MosaicRuns.Run submit = MosaicRuns.mosaic(Stream.concat(Stream.of("submit", sample.directory().toString(), "--wait", "--timeout", "180"),
                        cluster.stream()).toArray(String[]::new));

                assertThat(submit.exitCode()).as(submit.output()).isZero();
                assertThat(submit.output()).contains("taskCount=" + sample.taskCount(), "state=COMPLETED",
                        "succeeded=" + sample.images(), "failed=" + sample.broken());
                String jobId = submit.output().lines().filter(l -> l.startsWith("jobId=")).findFirst().orElseThrow().substring("jobId=".length());
                Path report = reports.resolve(jobId + ".json");
                JsonNode written = await("report " + report).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> JSON.readTree(report.toFile()), r -> r.has("images"));
                assertThat(written.path("succeeded").asInt()).isEqualTo(sample.images());
                assertThat(written.path("failed").asInt()).isEqualTo(sample.broken());
                assertThat(written.path("images")).hasSize(sample.taskCount());
                try (Stream<Path> files = Files.list(reports)) {
                    assertThat(files.filter(p -> p.toString().endsWith(".json")).toList()).containsExactly(report);
                }
            }
        }
    }
}
