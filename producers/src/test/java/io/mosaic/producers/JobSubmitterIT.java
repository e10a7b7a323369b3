package io.mosaic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submitting walks the folder twice (count, then publish): on a real broker and registry, what each walk must agree on. */
class JobSubmitterIT {

    private static final Lifecycles parts = new Lifecycles();
    private static MosaicConfig config;
    private static Topics topics;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(1).build();
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
        parts.startTogether(cluster, registry);
        config = MosaicConfig.builder()
                .set(KafkaSettings.BOOTSTRAP_SERVERS, cluster.bootstrapServers())
                .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                .set(TopicConfig.REPLICATION_FACTOR, "1")
                .set(TopicConfig.MIN_INSYNC_REPLICAS, "1")
                .build();
        topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(config.schemaRegistryUrl()));
        TopicAdmin.createTopics(config, topics);
    }

    @AfterAll
    static void stop() {
        parts.close();
    }

    private Path folder(int images) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < images; i++) {
            Files.writeString(folder.resolve("img-" + i + ".png"), "x");
        }
        return folder;
    }

    @Test
    void aJobPublishesAsManyTasksAsItsScanCounted() throws IOException {
        Path folder = folder(5);
        try (JobSubmitter submitter = new JobSubmitter(config, topics)) {
            JobSubmitter.SubmittedJob job = submitter.submit(folder, "steady", Progress.none());
            assertThat(job.taskCount()).isEqualTo(5);
        }
    }

    @Test
    void aFolderThatChangesBetweenTheCountAndThePublishingFailsTheSubmission() throws IOException {
        Path folder = folder(5);
        SourceScanner.Scan scan = SourceScanner.scan(folder);
        Files.writeString(folder.resolve("late.png"), "x");
        try (JobSubmitter submitter = new JobSubmitter(config, topics)) {
            assertThatThrownBy(() -> submitter.submit(scan, "changing", Progress.none()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("changed while job changing was submitted")
                    .hasMessageContaining("5 images counted, 6 found");
        }
    }
}
