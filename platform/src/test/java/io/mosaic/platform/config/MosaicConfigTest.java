package io.mosaic.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MosaicConfigTest {

    /** A service's own setting, declared as services declare theirs. */
    private static final Setting<Integer> THREADS = Setting.integer("worker.threads", 4, 1, Integer.MAX_VALUE, "threads");
    private static final Setting<Double> RATIO = Setting.decimal("test.ratio", null, 0, 1, "a ratio");

    @TempDir
    Path dir;

    /** Each row: which sources set worker.threads (blank = not set) and the value that must win. */
    @ParameterizedTest(name = "file={0} env={1} flag={2} -> {3}")
    @CsvSource({
            ",,,4",
            "5,,,5",
            ",6,,6",
            ",,7,7",
            "5,6,,6",
            "5,,7,7",
            ",6,7,7",
            "5,6,7,7",
    })
    void laterSourcesWin(String file, String env, String flag, int expected) throws IOException {
        Path properties = dir.resolve("mosaic.properties");
        Files.writeString(properties, file == null ? "" : "worker.threads=" + file + "\n");
        Map<String, String> environment = new HashMap<>();
        if (env != null) {
            environment.put("MOSAIC_WORKER_THREADS", env);
        }
        Map<String, String> flags = new HashMap<>();
        flags.put("worker.threads", flag);

        MosaicConfig config = MosaicConfig.builder(List.of(THREADS)).file(properties).environment(environment).flags(flags).build();

        assertThat(config.get(THREADS)).isEqualTo(expected);
    }

    @Test
    void kafkaSettingsPassThroughFromEveryLayer() throws IOException {
        Path properties = dir.resolve("p.properties");
        Files.writeString(properties, "kafka.linger.ms=20\nkafka.client.rack=a\n");
        MosaicConfig config = MosaicConfig.builder()
                .file(properties)
                .environment(Map.of("MOSAIC_KAFKA_SECURITY_PROTOCOL", "SSL", "MOSAIC_KAFKA_CLIENT_RACK", "b"))
                .flags(Map.of("kafka.compression.type", "zstd"))
                .build();

        assertThat(config.kafkaOverrides()).containsOnly(
                Map.entry("linger.ms", "20"),
                Map.entry("client.rack", "b"),
                Map.entry("security.protocol", "SSL"),
                Map.entry("compression.type", "zstd"));
    }

    @Test
    void environmentNamesFollowTheKeys() {
        MosaicConfig config = MosaicConfig.builder().environment(Map.of(
                "MOSAIC_BOOTSTRAP_SERVERS", "b1:9092,b2:9092",
                "MOSAIC_SCHEMA_REGISTRY_URL", "http://r:8081",
                "MOSAIC_TOPIC_TASKS_PARTITIONS", "24",
                "MOSAIC_HOME", "/opt/mosaic")).build();

        assertThat(config.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://r:8081");
        assertThat(config.topicSettings().imageTasksPartitions()).isEqualTo(24);
        assertThat(config.topicSettings().imageTasks()).isEqualTo("mosaic.image-tasks");
    }

    @Test
    void anUnknownKeyInAFileIsAnErrorNamingTheFile() throws IOException {
        Path properties = dir.resolve("typo.properties");
        Files.writeString(properties, "worker.thread=3\n");

        assertThatThrownBy(() -> MosaicConfig.builder().file(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'worker.thread'")
                .hasMessageContaining(properties.toString());
    }

    @Test
    void badNumbersAreClearErrors() {
        assertThatThrownBy(() -> MosaicConfig.builder(List.of(THREADS)).flags(Map.of("worker.threads", "many")).build())
                .hasMessage("worker.threads must be a whole number, got 'many'");
        assertThatThrownBy(() -> MosaicConfig.builder(List.of(THREADS)).flags(Map.of("worker.threads", "0")).build())
                .hasMessage("worker.threads must be at least 1, got 0");
        assertThatThrownBy(() -> MosaicConfig.builder()
                .flags(Map.of("replication.factor", "1", "min.insync.replicas", "2")).build())
                .hasMessageContaining("cannot exceed replication.factor");
    }

    @Test
    void valuesAreReadAsTheirTypesAndOnlyDeclaredSettingsAreAccepted() {
        MosaicConfig config = MosaicConfig.builder(List.of(THREADS, RATIO)).flags(Map.of("test.ratio", "0.25")).build();
        assertThat(config.get(RATIO)).isEqualTo(0.25);
        assertThat(config.get(THREADS)).isEqualTo(4);
        assertThat(MosaicConfig.defaults().get(RATIO)).isNull();
        assertThatThrownBy(() -> MosaicConfig.builder(List.of(RATIO)).flags(Map.of("test.ratio", "2")).build())
                .hasMessage("test.ratio must be between 0.0 and 1.0, got 2");
        // Not declared to this builder: a typo would be an error, not a silent default.
        assertThatThrownBy(() -> MosaicConfig.builder().flags(Map.of("test.ratio", "0.5")))
                .hasMessageContaining("unknown setting 'test.ratio'");
        assertThatThrownBy(() -> MosaicConfig.builder(List.of(Setting.string("bootstrap.servers", "x", "again"))))
                .hasMessageContaining("declared twice");
        assertThat(config.knownSettings()).contains(THREADS, RATIO, KafkaSettings.BOOTSTRAP_SERVERS);
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThatThrownBy(() -> MosaicConfig.builder().file(dir.resolve("absent.properties")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read config file");
    }

    @Test
    void secretsAreMaskedWhenDescribed() {
        MosaicConfig config = MosaicConfig.builder()
                .flags(Map.of("kafka.sasl.jaas.config", "user=a password=b", "kafka.ssl.key.password", "p"))
                .build();

        assertThat(config.describe()).containsEntry("kafka.sasl.jaas.config", "********")
                .containsEntry("kafka.ssl.key.password", "********");
        assertThat(config.toString()).doesNotContain("password=b");
    }

    @Test
    void nearDuplicateGroupsPartitionsFollowTheResultsUnlessSet() {
        MosaicConfig following = MosaicConfig.builder().flags(Map.of("topic.results.partitions", "7")).build();
        MosaicConfig set = MosaicConfig.builder()
                .flags(Map.of("topic.results.partitions", "7", "topic.near.duplicate.groups.partitions", "2")).build();

        assertThat(MosaicConfig.defaults().topicSettings().nearDuplicateGroups()).isEqualTo("mosaic.near-duplicate-groups");
        assertThat(MosaicConfig.defaults().topicSettings().nearDuplicateGroupsPartitions()).isEqualTo(12);
        assertThat(following.topicSettings().nearDuplicateGroupsPartitions()).isEqualTo(7);
        assertThat(set.topicSettings().nearDuplicateGroupsPartitions()).isEqualTo(2);
        assertThatThrownBy(() -> MosaicConfig.builder().flags(Map.of("topic.near.duplicate.groups.partitions", "0")).build())
                .hasMessage("topic.near.duplicate.groups.partitions must be at least 1, got 0");
    }
}
