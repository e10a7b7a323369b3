package io.mosaic.consumers.reports;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportAssemblyTest {

    private static final String RESULTS = "mosaic.image-results";
    private static final String GROUPS = "mosaic.near-duplicate-groups";
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<ImageResult> results = new AvroSerde<>(registry, ImageResult.class);
    private final AvroSerde<NearDuplicateGroups> chunks = new AvroSerde<>(registry, NearDuplicateGroups.class);

    @TempDir
    Path dir;

    private ReportAssembly assembly() throws IOException {
        return new ReportAssembly(dir, results, RESULTS, chunks, GROUPS);
    }

    private void result(ReportAssembly assembly, String jobId, int task) throws IOException {
        ImageResult result = ImageResult.newBuilder().setTaskId(jobId + "-" + task).setJobId(jobId)
                .setUri("file:/images/" + task + ".png").setStatus(ResultStatus.OK).setAnalyzedAt(AT).build();
        assembly.result(result, results.serialize(RESULTS, result));
    }

    private static JobSummary summary(String jobId, JobState state, int succeeded) {
        return JobSummary.newBuilder().setJobId(jobId).setState(state).setTaskCount(3).setSucceeded(succeeded)
                .setUpdatedAt(AT).build();
    }

    private long spooled() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(".spool"))) {
            return files.count();
        }
    }

    @Test
    void aCompletedJobGetsItsReportOnceEveryResultAndChunkIsThere() throws IOException {
        ReportAssembly assembly = assembly();
        result(assembly, "done", 0);
        result(assembly, "done", 1);
        assembly.summary(summary("done", JobState.COMPLETED, 3));
        assembly.flush();
        assertThat(assembly.writeReadyReports()).as("a result missing").isEmpty();

        result(assembly, "done", 2);
        for (NearDuplicateGroups chunk : NearDuplicateChunks.split("done", 3, List.of(), 1_000)) {
            assembly.chunk(chunk, chunks.serialize(GROUPS, chunk));
        }
        assembly.flush();
        assertThat(assembly.writeReadyReports()).containsExactly(dir.resolve("done.json"));
        assertThat(assembly.writeReadyReports()).as("written once").isEmpty();
    }

    @Test
    void aCancelledJobLeavesNothingBehindAndItsLateResultsAreNotKept() throws IOException {
        ReportAssembly assembly = assembly();
        result(assembly, "stopped", 0);
        result(assembly, "kept", 0);
        assembly.flush();
        assertThat(spooled()).isEqualTo(2);

        assembly.summary(summary("stopped", JobState.CANCELLED, 1));
        // The workers answer the rest of a cancelled job's tasks without analysing them.
        result(assembly, "stopped", 1);
        result(assembly, "stopped", 2);
        assembly.flush();

        try (Stream<Path> files = Files.list(dir.resolve(".spool"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kept.results");
        }
        assertThat(assembly.writeReadyReports()).isEmpty();
        assertThat(dir.resolve("stopped.json")).doesNotExist();
    }
}
