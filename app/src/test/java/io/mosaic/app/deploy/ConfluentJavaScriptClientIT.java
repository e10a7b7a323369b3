package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topic;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record Mosaic writes is readable by Confluent's own clients, not only by Mosaic: one
 * record of every value schema, serialised by Mosaic's serde against a real registry, is read by
 * Confluent's JavaScript client ({@value #PACKAGE}, fetched with npm at test time, skipped with a
 * message where npm is missing). Its Avro reader refuses a {@code long} beyond 2^53 ("potential
 * precision loss"), which is why 64-bit hashes travel as hex strings.
 */
class ConfluentJavaScriptClientIT {

    static final String PACKAGE = "@confluentinc/schemaregistry@1.10.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    /** A hash with the top bit set: as a signed 64-bit long it is far beyond 2^53. */
    private static final long HASH = 0xF0E1_D2C3_B4A5_9687L;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void confluentsJavaScriptClientReadsARecordOfEveryValueSchema() throws Exception {
        Path modules = installClient();
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry()) {
            registry.start();
            Topics topics = Topics.create(TopicSettings.defaults(), new SchemaRegistryClient(registry.url()));
            ArrayNode records = JSON.createArrayNode();
            add(records, topics.jobs(), ImageJob.newBuilder().setJobId("job-1").setSource("file:/images/").setTaskCount(2)
                    .setSubmittedAt(AT).build());
            add(records, topics.imageTasks(), ImageTask.newBuilder().setTaskId("t-1").setJobId("job-1").setUri("file:/images/a.png")
                    .setSubmittedAt(AT).build());
            add(records, topics.imageResults(), ImageResult.newBuilder().setTaskId("t-1").setJobId("job-1").setUri("file:/images/a.png")
                    .setStatus(ResultStatus.OK).setFormat("png").setWidth(640).setHeight(480).setBytes(123_456)
                    .setMeanLuma(0.41).setSharpness(7.5).setPerceptualHashHex(HashHex.of(HASH)).setAnalyzedAt(AT).build());
            add(records, topics.jobSummaries(), JobSummary.newBuilder().setJobId("job-1").setState(JobState.COMPLETED)
                    .setTaskCount(2).setSucceeded(2).setSumBytes(246_912).setStartedAt(AT).setUpdatedAt(AT).setCompletedAt(AT).build());
            add(records, topics.nearDuplicateGroups(), NearDuplicateGroups.newBuilder().setJobId("job-1").setCountedResults(2)
                    .setChunkIndex(0).setChunkCount(1).setGroups(List.of(List.of("file:/images/a.png", "file:/images/b.png"))).build());
            add(records, topics.jobAdmissions(), JobAdmission.newBuilder().setJobId("job-1").setPriority("HIGH").setQueued(1).setAdmitted(1)
                    .setResults(0).setWindow(2_000).setUpdatedAt(AT).build());
            Path input = Files.writeString(dir.resolve("records.json"), JSON.writeValueAsString(records));

            Path script = Files.writeString(dir.resolve("read.js"), READER);
            Process node = new ProcessBuilder(Npm.node().orElseThrow().toString(), script.toString(), registry.url(), input.toString())
                    .redirectErrorStream(true)
                    .directory(dir.toFile())
                    .start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(output).isZero();

            JsonNode read = JSON.readTree(output.lines().filter(l -> l.startsWith("[")).findFirst().orElseThrow(() -> new AssertionError(output)));
            assertThat(read).hasSize(records.size());
            assertThat(read.get(0).get("jobId").asText()).isEqualTo("job-1");
            assertThat(read.get(1).get("uri").asText()).isEqualTo("file:/images/a.png");
            assertThat(read.get(2).get("perceptualHashHex").asText()).isEqualTo("f0e1d2c3b4a59687");
            assertThat(read.get(3).get("state").asText()).isEqualTo("COMPLETED");
            assertThat(read.get(4).get("groups").get(0)).hasSize(2);
            assertThat(read.get(5).get("priority").asText()).isEqualTo("HIGH");
        }
        assertThat(modules).isDirectory();
    }

    private static <V extends SpecificRecord> void add(ArrayNode records, Topic<String, V> topic, V value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        records.addObject().put("topic", topic.name()).put("value", Base64.getEncoder().encodeToString(bytes));
    }

    /** Installs the client into {@code target/confluent-js} once; later runs reuse it. */
    private Path installClient() throws IOException, InterruptedException {
        Optional<Path> npm = Npm.find();
        Assumptions.assumeTrue(npm.isPresent() && Npm.node().isPresent(),
                "npm or node is not installed, so Confluent's JavaScript client (" + PACKAGE + ") cannot be fetched: skipped");
        Path prefix = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "confluent-js");
        Path modules = prefix.resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("@confluentinc/schemaregistry"))) {
            Files.createDirectories(prefix);
            Process install = new ProcessBuilder(npm.get().toString(), "install", "--no-audit", "--no-fund", "--no-save",
                    "--prefix", prefix.toString(), PACKAGE)
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
                install.destroyForcibly();
                throw new IllegalStateException("npm install " + PACKAGE + " failed:\n" + output);
            }
        }
        // Node finds packages in node_modules beside or above the script.
        Files.createSymbolicLink(dir.resolve("node_modules"), modules);
        return modules;
    }

    /** Reads each record with Confluent's AvroDeserializer, which fetches the writer's schema by id. */
    private static final String READER = """
            const { SchemaRegistryClient, SerdeType, AvroDeserializer } = require('@confluentinc/schemaregistry');
            const fs = require('fs');
            const [registryUrl, input] = process.argv.slice(2);
            const registry = new SchemaRegistryClient({ baseURLs: [registryUrl] });
            const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
            (async () => {
              const out = [];
              for (const record of JSON.parse(fs.readFileSync(input, 'utf8'))) {
                out.push(await deserializer.deserialize(record.topic, Buffer.from(record.value, 'base64')));
              }
              console.log(JSON.stringify(out, (key, value) => typeof value === 'bigint' ? value.toString() : value));
            })().catch(e => { console.error('cannot read: ' + (e && e.stack || e)); process.exit(1); });
            """;
}
