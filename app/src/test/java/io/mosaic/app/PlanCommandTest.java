package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlanCommandTest {

    @TempDir
    Path dir;

    private static String run(StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return exit + "\n" + out;
    }

    @Test
    void aDeadlineGivesCoresPartitionsBrokersAndTheLagToExpect() {
        String out = run(new StringWriter(), "plan", "--images", "1000000", "--deadline", "1000s");
        assertThat(out).startsWith("0\n").contains("lambda = 1,000 images/s", "= 26 cores: 4 machines of 8 cores",
                "partitions of mosaic.image-tasks: 26", "brokers: 3", "L = lambda W", "assumed:");
    }

    @Test
    void machinesGiveTheTimeAJobTakes() {
        String out = run(new StringWriter(), "plan", "--images", "1000000000", "--machines", "1000");
        assertThat(out).startsWith("0\n").contains("1,000 machines of 8 cores finish 1,000,000,000 images in");
    }

    @Test
    void costsComeFromABenchRun() throws Exception {
        Path json = dir.resolve("bench.json");
        Files.writeString(json, """
                {"lines": [
                  {"line": "analysis pipeline: CPU per image (whole process) vs ImageAnalyzer direct", "mosaic": 21.2, "baseline": 2.5},
                  {"line": "scale 1,000 images 96x96: CPU per image the pipeline adds (whole process minus direct)", "mosaic": 900},
                  {"line": "scale 100,000 images 96x96: CPU per image the pipeline adds (whole process minus direct)", "mosaic": 150}]}
                """);
        String out = run(new StringWriter(), "plan", "--images", "1000", "--deadline", "1h", "--bench-json", json.toString());
        assertThat(out).contains("2.50 ms of analysis + 150 us of pipeline", "costs from " + json);
    }

    @Test
    void badInputIsOneLine() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "plan", "--images", "10", "--deadline", "soon")).startsWith("2\n");
        assertThat(err.toString()).contains("--deadline").doesNotContain("Exception");
        StringWriter both = new StringWriter();
        assertThat(run(both, "plan", "--images", "10", "--deadline", "1h", "--machines", "3")).startsWith("2\n");
        assertThat(both.toString()).contains("mutually exclusive");
    }
}
