package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mosaic demo} end to end, as a user runs it: real brokers, a real registry child process,
 * every service in this JVM. Checks the report's counts exactly against the generated input,
 * that a rerun gives the same job and counts, and that nothing is left running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static SampleImages.SampleSet set;
    static JsonNode firstReport;

    @Test
    @Order(1)
    void demoOnThreeBrokersWritesAReportWithExactCounts() throws IOException {
        set = SampleImages.writeSampleSet(dir.resolve("images"), 12, 7);
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        MosaicRuns.Run run = demo("--brokers", "3", "--workers", "3", "--images", set.directory().toString(),
                "--report-dir", dir.resolve("out-1").toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        firstReport = onlyReport(dir.resolve("out-1"));
        assertThat(firstReport.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(firstReport.get("taskCount").asInt()).isEqualTo(countImageFiles(set.directory())).isEqualTo(set.taskCount());
        assertThat(firstReport.get("succeeded").asInt()).isEqualTo(set.images());
        assertThat(firstReport.get("failed").asInt()).isEqualTo(set.broken());
        assertThat(firstReport.get("skipped").asInt()).isEqualTo(set.nonImages());
        assertThat(firstReport.get("images")).hasSize(set.taskCount());
        assertThat(firstReport.get("blurry")).hasSize(set.blurry());
        assertThat(firstReport.get("nearDuplicateGroups")).hasSize(set.nearDuplicateCopies());

        Map<String, String> reasons = new HashMap<>();
        for (JsonNode image : firstReport.get("images")) {
            if (image.get("status").asText().equals("FAILED")) {
                reasons.put(Path.of(java.net.URI.create(image.get("uri").asText())).getFileName().toString(), image.get("error").asText());
            }
        }
        assertThat(reasons).containsOnlyKeys("empty.jpg", "truncated.jpg", "random-bytes.png", "not-really.jpg", "bomb-20000x20000.png");
        assertThat(reasons.get("bomb-20000x20000.png")).contains("20000 x 20000");
        assertThat(reasons.values()).doesNotContainNull().allSatisfy(reason -> assertThat(reason).isNotBlank());

        assertThat(run.output()).contains("Job " + firstReport.get("jobId").asText() + " COMPLETED");
        assertNothingLeftRunning(threadsBefore);
    }

    @Test
    @Order(2)
    void aRerunOnTheSameDirectoryGivesTheSameJobAndCounts() throws IOException {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        MosaicRuns.Run run = demo("--brokers", "1", "--workers", "2", "--images", set.directory().toString(),
                "--report-dir", dir.resolve("out-2").toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode second = onlyReport(dir.resolve("out-2"));
        for (String field : List.of("jobId", "taskCount", "succeeded", "failed", "skipped", "blurry", "nearDuplicateGroups")) {
            assertThat(second.get(field)).as(field).isEqualTo(firstReport.get(field));
        }
        assertNothingLeftRunning(threadsBefore);
    }

    @Test
    @Order(3)
    void withS3TheSameImagesAreDownloadedFromABucketWithTheSameCounts() throws IOException {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        MosaicRuns.Run run = demo("--brokers", "1", "--workers", "2", "--s3", "--images", set.directory().toString(),
                "--report-dir", dir.resolve("out-s3").toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("S3 server (S3Proxy): http://127.0.0.1:");
        JsonNode fromBucket = onlyReport(dir.resolve("out-s3"));
        assertThat(fromBucket.get("source").asText()).isEqualTo("s3://demo/images/");
        for (String field : List.of("taskCount", "succeeded", "failed", "skipped", "blurry", "nearDuplicateGroups")) {
            assertThat(fromBucket.get(field).size() > 0 ? fromBucket.get(field).size() : fromBucket.get(field).asInt()).as(field)
                    .isEqualTo(firstReport.get(field).size() > 0 ? firstReport.get(field).size() : firstReport.get(field).asInt());
        }
        assertThat(fromBucket.get("images")).allSatisfy(image -> assertThat(image.get("uri").asText()).startsWith("s3://demo/images/"));
        assertNothingLeftRunning(threadsBefore);
    }

    @Test
    @Order(4)
    void aBadFlagIsOneLineAndExitCodeTwo() {
        MosaicRuns.Run run = demo("--brokers", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("--brokers must be 1 or 3").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static MosaicRuns.Run demo(String... args) {
        return MosaicRuns.mosaicWithErrors(Stream.concat(Stream.of("demo"), Stream.of(args)).toArray(String[]::new));
    }

    private static JsonNode onlyReport(Path reportDir) throws IOException {
        try (Stream<Path> files = Files.list(reportDir)) {
            List<Path> reports = files.filter(p -> p.toString().endsWith(".json")).toList();
            assertThat(reports).hasSize(1);
            return JSON.readTree(reports.get(0).toFile());
        }
    }

    private static int countImageFiles(Path root) throws IOException {
        Set<String> extensions = Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp");
        try (Stream<Path> files = Files.walk(root)) {
            return (int) files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".") && extensions.contains(n.substring(n.lastIndexOf('.') + 1).toLowerCase()))
                    .count();
        }
    }

    /** No child process (the registry) and no new non-daemon thread may outlive the demo. */
    private static void assertNothingLeftRunning(Set<Thread> before) {
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).isEmpty();
        Set<String> leaked = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
                .map(Thread::getName)
                .collect(Collectors.toSet());
        assertThat(leaked).isEmpty();
    }
}
