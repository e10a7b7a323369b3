package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mosaic bench --quick} as a smoke test: it runs to the end on an embedded broker and
 * prints and writes every line with its ratio. The numbers themselves are not checked here: a
 * benchmark is never a timed test.
 */
class BenchCommandIT {

    @TempDir
    Path dir;

    @Test
    void quickRunPrintsEveryLineWithItsRatioAndWritesJson() throws Exception {
        StringWriter out = new StringWriter();
        Path json = dir.resolve("bench.json");
        int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out))
                .execute("bench", "--quick", "--threads", "2", "--json", json.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("cores", "Java", "Kafka")
                .containsPattern("analysis pipeline \\(submit to COMPLETED\\) vs ImageAnalyzer direct +[0-9.]+ +[0-9.]+ +[0-9.]+x");
        JsonNode lines = new ObjectMapper().readTree(json.toFile()).get("lines");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("ratio").asDouble()).isPositive();
        assertThat(lines.get(0).get("mosaic").asDouble()).isPositive();
    }

    @Test
    void badNumbersAreOneLineErrors() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setErr(new PrintWriter(err)).execute("bench", "--threads", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--threads");
    }
}
