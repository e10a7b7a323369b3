package io.mosaic.consumers.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateChunks;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobReportTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final String TOPIC = "mosaic.image-results";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AvroSerde<ImageResult> serde = new AvroSerde<>(new InMemorySchemaRegistry(), ImageResult.class);

    @TempDir
    Path dir;

    private static ImageResult result(String uri, ResultStatus status, boolean blurry) {
        return ImageResult.newBuilder()
                .setJobId("job").setTaskId("task-" + uri).setUri(uri).setStatus(status)
                .setBlurry(blurry).setError(status == ResultStatus.FAILED ? "cannot decode" : null)
                .setPerceptualHashHex(status == ResultStatus.OK ? HashHex.of(0xABCL) : null)
                .setWideHashHex(status == ResultStatus.OK ? HashHex.of(0xDEFL) : null)
                .setAnalyzedAt(T0).build();
    }

    private static JobSummary summary(int succeeded, int failed) {
        return JobSummary.newBuilder()
                .setJobId("job").setState(JobState.COMPLETED).setTaskCount(succeeded + failed).setSucceeded(succeeded).setFailed(failed)
                .setUpdatedAt(T0).setStartedAt(T0).setCompletedAt(T0)
                .build();
    }

    /** A spool whose runs hold {@code run} results, holding {@code results} in the order given. */
    private ResultSpool spool(int run, List<ImageResult> results) throws IOException {
        ResultSpool spool = new ResultSpool(dir.resolve(".spool"), serde, TOPIC, run);
        for (ImageResult r : results) {
            spool.append("job", serde.serialize(TOPIC, r));
        }
        spool.flush();
        return spool;
    }

    @Test
    void listsBlurryImagesFromTheResultsAndGroupsAsGiven() throws IOException {
        ResultSpool spool = spool(ResultSpool.RUN, List.of(
                result("file:/z.jpg", ResultStatus.OK, true),
                result("file:/a.jpg", ResultStatus.OK, false),
                // A FAILED result is never blurry, whatever its flag says.
                result("file:/broken.jpg", ResultStatus.FAILED, true),
                result("file:/m.png", ResultStatus.OK, true)));
        List<List<String>> groups = List.of(List.of("file:/a.jpg", "file:/z.jpg"));

        Path path = JobReport.write(dir, summary(3, 1), sink -> spool.forEachSorted("job", sink), JobReport.GroupPieces.of(groups), 4);

        JsonNode report = JSON.readTree(path.toFile());
        assertThat(report.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(report.get("taskCount").asInt()).isEqualTo(4);
        assertThat(texts(report.get("blurry"))).containsExactly("file:/m.png", "file:/z.jpg");
        assertThat(report.get("nearDuplicateGroups")).hasSize(1);
        assertThat(texts(report.get("nearDuplicateGroups").get(0))).containsExactly("file:/a.jpg", "file:/z.jpg");
        assertThat(report.get("images")).hasSize(4);
        assertThat(report.get("images").get(0).get("uri").asText()).isEqualTo("file:/a.jpg");
        assertThat(report.get("images").get(0).get("perceptualHash").asText()).isEqualTo("0000000000000abc");
        assertThat(report.get("images").get(0).get("wideHash").asText()).isEqualTo("0000000000000def");
        assertThat(report.get("images").get(1).get("error").asText()).isEqualTo("cannot decode");
    }

    @Test
    void moreResultsThanOneRunAreMergedFromDiskSortedOnceEachAndTheFirstArrivalWins() throws IOException {
        List<ImageResult> arrivals = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            arrivals.add(result(String.format("file:/%03d.png", i), ResultStatus.OK, i % 10 == 0));
        }
        Collections.shuffle(arrivals, new Random(7));
        // Repeats of three tasks arrive later, with a different sharpness: the first one counts.
        for (int i : new int[] {3, 17, 42}) {
            arrivals.add(ImageResult.newBuilder(result(String.format("file:/%03d.png", i), ResultStatus.OK, false)).setSharpness(999).build());
        }
        ResultSpool spool = spool(4, arrivals);
        assertThat(spool.count("job")).isEqualTo(53);

        Path path = JobReport.write(dir, summary(50, 0), sink -> spool.forEachSorted("job", sink), JobReport.GroupPieces.of(List.of()), 50);

        JsonNode report = JSON.readTree(path.toFile());
        List<String> uris = new ArrayList<>();
        report.get("images").forEach(image -> uris.add(image.get("uri").asText()));
        assertThat(uris).hasSize(50).isSorted().doesNotHaveDuplicates();
        report.get("images").forEach(image -> assertThat(image.get("sharpness").asDouble()).isNotEqualTo(999));
        assertThat(texts(report.get("blurry"))).hasSize(5);
        List<String> lines = Files.readAllLines(dir.resolve("job.ndjson"));
        assertThat(lines).hasSize(50);
        assertThat(JSON.readTree(lines.get(0)).get("uri").asText()).isEqualTo("file:/000.png");
        assertThat(JSON.readTree(lines.get(0)).get("jobId").asText()).isEqualTo("job");
        try (var files = Files.list(dir.resolve(".spool"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the runs are deleted").containsExactly("job.results");
        }
    }

    @Test
    void aGroupCutAcrossChunksIsOneGroupInTheReport() throws IOException {
        AvroSerde<NearDuplicateGroups> chunkSerde = new AvroSerde<>(new InMemorySchemaRegistry(), NearDuplicateGroups.class);
        GroupChunkSpool chunks = new GroupChunkSpool(dir.resolve(".spool"), chunkSerde, "groups");
        List<String> large = IntStream.range(0, 30).mapToObj(i -> String.format("file:/big/%02d.png", i)).toList();
        List<List<String>> groups = List.of(List.of("file:/a.png", "file:/b.png"), large, List.of("file:/x.png", "file:/y.png"));
        List<NearDuplicateGroups> split = NearDuplicateChunks.split("job", 1, groups, 200);
        assertThat(split).hasSizeGreaterThan(3);
        for (NearDuplicateGroups chunk : split) {
            chunks.append(chunk, chunkSerde.serialize("groups", chunk));
        }
        chunks.flush();
        ResultSpool spool = spool(ResultSpool.RUN, List.of(result("file:/a.png", ResultStatus.OK, false)));

        Path path = JobReport.write(dir, summary(1, 0), sink -> spool.forEachSorted("job", sink),
                sink -> chunks.forEachPiece("job", 1, sink), 1);

        JsonNode written = JSON.readTree(path.toFile()).get("nearDuplicateGroups");
        assertThat(written).hasSize(3);
        assertThat(texts(written.get(1))).isEqualTo(large);
        assertThat(texts(written.get(2))).containsExactly("file:/x.png", "file:/y.png");
    }

    @Test
    void repeatsThatMakeUpTheCountWriteNothing() throws IOException {
        ImageResult a = result("file:/a.png", ResultStatus.OK, false);
        ResultSpool spool = spool(ResultSpool.RUN, List.of(a, a));

        Path path = JobReport.write(dir, summary(2, 0), sink -> spool.forEachSorted("job", sink), JobReport.GroupPieces.of(List.of()), 2);

        assertThat(path).isNull();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(".spool");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
