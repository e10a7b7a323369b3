package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code mosaic chaos} in this JVM for a test, and reads what it printed. */
final class ChaosRuns {

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

    private ChaosRuns() {
    }

    /** {@code mosaic chaos ARGS}, its output also copied to this JVM's standard output. */
    static Run chaos(String... args) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            String[] full = new String[args.length + 1];
            full[0] = "chaos";
            System.arraycopy(args, 0, full, 1, args.length);
            int code = MosaicCommand.execute(full);
            return new Run(code, captured.toString());
        } finally {
            System.setOut(originalOut);
            originalOut.print(captured);
        }
    }

    /** Brokers, registry, workers and aggregators: every child process must be gone. */
    static void assertNothingLeftRunning() {
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
    }
}
