package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.app.lab.Lab;
import io.mosaic.app.lab.LabResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mosaic lab list}, a bad name, and how a result's table reads; no cluster is started. */
class LabCommandTest {

    @Test
    void listNamesEveryExperimentOnOneLineEach() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(out)).execute("lab", "list");
        assertThat(exit).isZero();
        assertThat(out.toString().lines()).hasSize(Lab.EXPERIMENTS.size());
        Lab.EXPERIMENTS.forEach(e -> assertThat(out.toString()).containsPattern("(?m)^" + e.name() + " +" + java.util.regex.Pattern.quote(e.summary()) + "$"));
    }

    @Test
    void anUnknownExperimentIsAOneLineErrorNamingTheValidOnes() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MosaicCommand()).setErr(new PrintWriter(err)).execute("lab", "quorums");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no experiment 'quorums'", Lab.names()).doesNotContain("Exception");
    }

    @Test
    void aResultRendersAnAlignedTableThenItsLessons() {
        LabResult result = LabResult.builder("title", "case", "count").row("a", "1").row("longer case", "1000")
                .lesson("what it shows").measure("count", 1000).build();
        assertThat(result.render()).isEqualTo("""
                title

                case         count
                -----------  -----
                a                1
                longer case   1000

                what it shows
                """);
        assertThat(result.measure("count")).isEqualTo(1000);
    }
}
