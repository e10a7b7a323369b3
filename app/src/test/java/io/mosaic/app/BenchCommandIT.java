package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mosaic bench --quick} as a smoke test: it runs to the end on embedded brokers and prints
 * and writes every line, with its ratio where it has a baseline. The numbers themselves are not checked here: a
 * benchmark is never a timed test.
 */
class BenchCommandIT {

    @TempDir
    Path dir;

    @Test
    void quickRunPrintsEveryLineWithItsRatioAndWritesJsonAndMarkdown() throws Exception {
        StringWriter out = new StringWriter();
        Path json = dir.resolve("bench.json");
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.writeString(markdown, "# Benchmarks\n\nan old table\n\n## What limits each line\n\nnotes written by hand\n");
        int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out, true))
                .execute("bench", "--quick", "--threads", "2", "--json", json.toString(), "--markdown", markdown.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("cores", "Java", "Kafka")
                .containsPattern("submit: .* tasks/s +[0-9.]+x")
                .containsPattern("analysis pipeline: .* images/s +[0-9.]+x")
                .containsPattern("aggregator, exactly-once, vs plain Streams .* results/s +[0-9.]+x")
                .containsPattern("scaling: 2 worker processes vs 1.* images/s +[0-9.]+x")
                .containsPattern("lag evaluation: .* ms +[0-9.]+x");
        JsonNode lines = new ObjectMapper().readTree(json.toFile()).get("lines");
        List<String> names = new ArrayList<>();
        lines.forEach(line -> names.add(line.get("line").asText()));
        // 16 lines, and at least 5 of fairness: the small jobs' lines need one submitted while the big job ran.
        assertThat(names).hasSizeBetween(21, 25).anyMatch(n -> n.startsWith("submit: 5,000 tasks published"))
                .anyMatch(n -> n.startsWith("fairness, dispatched, window 1,000: 3,000-image job with small jobs arriving vs alone"))
                .anyMatch(n -> n.startsWith("fairness: 3,000-image job alone, dispatched, window 1,000 vs first come first served"))
                .anyMatch(n -> n.startsWith("fairness, priorities: a high and a batch job together"))
                .anyMatch(n -> n.startsWith("analysis pipeline")).anyMatch(n -> n.startsWith("lag monitor"))
                .anyMatch(n -> n.startsWith("small job")).anyMatch(n -> n.startsWith("latency at 50%"))
                .anyMatch(n -> n.startsWith("latency at 90%")).anyMatch(n -> n.contains("at-least-once"))
                .anyMatch(n -> n.startsWith("cold start: mosaic demo, 1 broker,"))
                .anyMatch(n -> n.startsWith("cold start: mosaic demo, 3 brokers"));
        lines.forEach(line -> {
            assertThat(line.get("mosaic").asDouble()).as(line.toString()).isNotNegative();
            if (line.has("baseline")) {
                assertThat(line.get("ratio").asDouble()).as(line.toString()).isPositive();
            }
        });
        assertThat(Files.readString(markdown)).startsWith("# Benchmarks").contains("./mosaic bench --quick", "| line |")
                .doesNotContain("an old table").endsWith("## What limits each line\n\nnotes written by hand\n");
    }

    @Test
    void onAClusterGivenByAddressTheRunKeepsToNamesOfItsOwnAndDeletesThem() throws Exception {
        try (Lifecycles parts = new Lifecycles()) {
            EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(1).build();
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
            parts.startTogether(cluster, registry);
            StringWriter out = new StringWriter();
            int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out, true)).execute("bench", "--quick", "--threads", "2",
                    "--lines", "submit,aggregator,cold-start", "--bootstrap-servers", cluster.bootstrapServers(),
                    "--schema-registry-url", registry.url());

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).contains("cluster " + cluster.bootstrapServers() + " (1 brokers)", "cold start: skipped")
                    .containsPattern("submit: .* tasks/s +[0-9.]+x")
                    .containsPattern("aggregator, exactly-once, vs plain Streams .* results/s +[0-9.]+x")
                    .containsPattern("deleted the run's [1-9][0-9]* topics and [1-9][0-9]* groups");
            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                // Nothing under the pipeline's default names (a Mosaic running there is not disturbed), nothing of the run left.
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).noneMatch(name -> name.startsWith("mosaic"));
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).map(GroupListing::groupId)
                        .noneMatch(id -> id.startsWith("mosaic"));
            }
        }
    }

    @Test
    void theScaleLinesOfASmallJobInOneProcessAndInFour() throws Exception {
        StringWriter out = new StringWriter();
        Path json = dir.resolve("scale.json");
        int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out, true)).execute("bench", "--scale", "--quick", "--threads", "2",
                "--json", json.toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).containsPattern("scale 1,000 images 96x96: images/s.* images/s +[0-9.]+x")
                .containsPattern("scale 1,000 images 96x96: CPU per image the pipeline adds .* us")
                .contains("peak RSS, one process", "COMPLETED to report written", "near-duplicate grouping");
        assertThat(new ObjectMapper().readTree(json.toFile()).get("lines")).hasSize(8);

        StringWriter processes = new StringWriter();
        exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(processes)).setErr(new PrintWriter(processes, true)).execute("bench", "--scale-processes", "384m",
                "--scale-sizes", "200", "--threads", "2");
        assertThat(exit).as(processes.toString()).isZero();
        for (String service : new String[] {"worker", "aggregator", "reports", "jobs-api"}) {
            assertThat(processes.toString())
                    .containsPattern("scale 200 images 96x96, 1 broker, 1 worker process: peak heap used, " + service + " \\(-Xmx384m\\) +[0-9.]+ ")
                    .containsPattern("scale 200 images 96x96, 1 broker, 1 worker process: CPU per image, " + service + " .* us");
        }
    }

    @Test
    void aClusterWithoutItsRegistryIsAOneLineError() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setErr(new PrintWriter(err))
                .execute("bench", "--bootstrap-servers", "127.0.0.1:9092");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--schema-registry-url").doesNotContain("Exception");
    }

    @Test
    void anUnknownLineIsAOneLineError() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setErr(new PrintWriter(err)).execute("bench", "--lines", "submit,speed");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no line 'speed'", "cold-start");
    }

    @Test
    void badNumbersAreOneLineErrors() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setErr(new PrintWriter(err)).execute("bench", "--threads", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--threads");
    }
}
