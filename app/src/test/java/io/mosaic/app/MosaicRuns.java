package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs a {@code mosaic} command in this JVM for a test, and reads what it printed. */
final class MosaicRuns {

    /** The exit code and everything printed. */
    record Run(int exitCode, String output) {

        /** The last {@code faults=K lost=L ...} line as a map of its fields. */
        Map<String, String> result() {
            String line = output.lines().filter(l -> l.startsWith("faults=")).reduce((first, second) -> second)
                    .orElseThrow(() -> new AssertionError("no result line in:\n" + output));
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : line.split(" ")) {
                int eq = field.indexOf('=');
                fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
            return fields;
        }

        /** The lines of the run's log that contain {@code text}. */
        List<String> linesWith(String text) {
            return output.lines().filter(l -> l.contains(text)).toList();
        }
    }

    private MosaicRuns() {
    }

    /** {@code mosaic chaos ARGS}: its standard output, also copied to this JVM's. */
    static Run chaos(String... args) {
        return run(false, Stream.concat(Stream.of("chaos"), Arrays.stream(args)).toArray(String[]::new));
    }

    /** {@code mosaic ARGS}: its standard output, also copied to this JVM's. */
    static Run mosaic(String... args) {
        return run(false, args);
    }

    /** {@code mosaic ARGS}: its standard output and error together, as a user at a terminal sees them, also copied to this JVM's output. */
    static Run mosaicWithErrors(String... args) {
        return run(true, args);
    }

    private static Run run(boolean withErrors, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream printed = new PrintStream(captured, true)) {
            System.setOut(printed);
            if (withErrors) {
                System.setErr(printed);
            }
            int code = MosaicCommand.execute(args);
            return new Run(code, captured.toString());
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            originalOut.print(captured);
        }
    }

    /** Brokers, registry, workers and aggregators: every child process must be gone. */
    static void assertNothingLeftRunning() {
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
    }
}
