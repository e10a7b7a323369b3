package io.mosaic.app.bench;

import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.app.chaos.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold-start line: {@code mosaic demo} run as a new user runs it, in a JVM of its own with
 * the launcher's heap settings, from the JVM's start to the first image counted in the job's summary (the
 * demo prints it). Nothing is warm but the operating system's file cache.
 */
final class ColdStartBench {

    private static final Pattern FIRST_IMAGE = Pattern.compile("first image counted\\s+([0-9.]+) s");

    private ColdStartBench() {
    }

    /** Seconds to the first image of one {@code mosaic demo --brokers N}. */
    static double once(int brokers, Path reportDir) throws Exception {
        List<String> command = ChildJvm.command(List.of("-Xmx2g", "-XX:G1HeapRegionSize=8m"), "demo",
                List.of("--brokers", Integer.toString(brokers), "--report-dir", reportDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Any free port for its dashboard: the user's 8080 may be taken.
        builder.environment().put("MOSAIC_DASHBOARD_PORT", "0");
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Double seconds = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = FIRST_IMAGE.matcher(line);
                if (m.find()) {
                    seconds = Double.parseDouble(m.group(1));
                }
            }
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (process.exitValue() != 0 || seconds == null) {
            throw new IllegalStateException("mosaic demo --brokers " + brokers + " exited " + process.exitValue()
                    + " without saying when its first image was counted:\n" + tail(output));
        }
        return seconds;
    }

    static BenchLine line(int brokers, double[] seconds) {
        return BenchLine.alone(String.format(Locale.ROOT, "cold start: mosaic demo, %d broker%s, JVM start to first image",
                brokers, brokers == 1 ? "" : "s"), "s", seconds, Target.atMost(brokers == 1 ? 8 : 12));
    }

    private static String tail(StringBuilder output) {
        return output.length() <= 4000 ? output.toString() : output.substring(output.length() - 4000);
    }
}
