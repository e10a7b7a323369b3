package io.mosaic.app.lab;

import io.mosaic.platform.lifecycle.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Kafka's MirrorMaker 2 ({@code connect-mirror}) in a JVM of its own: it needs the Kafka clients
 * of its own version, which the build puts with it in a directory of jars (module
 * {@code mirror-maker}, copied beside {@code mosaic.jar}). Ended with the experiment, and by its
 * watchdog if this process dies first.
 */
final class MirrorMakerProcess implements AutoCloseable {

    static final String LIB_PROPERTY = "mosaic.mirrormaker.lib";
    static final String LIB_ENV = "MOSAIC_MIRRORMAKER_LIB";
    private static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    private final Process process;
    private final Path log;

    private MirrorMakerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts MirrorMaker 2 with {@code properties} (an {@code mm2.properties} file's settings), working in {@code dir}. */
    static MirrorMakerProcess start(Map<String, String> properties, Path dir) throws IOException {
        Path lib = lib().orElseThrow(() -> new IllegalStateException("MirrorMaker 2's jars are not found: set " + LIB_PROPERTY
                + " or " + LIB_ENV + " to a directory of them, or build with ./mvnw package (module mirror-maker)"));
        Files.createDirectories(dir);
        Path config = dir.resolve("mm2.properties");
        Files.writeString(config, new TreeMap<>(properties).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        Path log = dir.resolve("mirror-maker.log");
        List<String> command = ChildProcesses.watchedJava(
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                ChildProcesses.watchdogClasses(dir.resolve("watchdog")) + File.pathSeparator + lib.resolve("*"),
                MAIN_CLASS, List.of(config.toString()));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        return new MirrorMakerProcess(process, log);
    }

    /**
     * The directory of MirrorMaker's jars: the {@value #LIB_PROPERTY} system property, else the
     * {@value #LIB_ENV} environment variable, else {@code mirror-maker/} beside the jar Mosaic runs
     * from, else {@code mirror-maker/target/lib} of the source tree this runs in.
     */
    static Optional<Path> lib() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty(LIB_PROPERTY)).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv(LIB_ENV)).map(Path::of).ifPresent(candidates::add);
        ChildProcesses.jarDirectory(MirrorMakerProcess.class).map(d -> d.resolve("mirror-maker")).ifPresent(candidates::add);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve("mirror-maker").resolve("target").resolve("lib"));
        }
        return candidates.stream().filter(MirrorMakerProcess::holdsMirrorMaker).findFirst();
    }

    private static boolean holdsMirrorMaker(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("connect-mirror-\\d.*\\.jar"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether it still runs; if not, the last lines of its log say why. */
    boolean isAlive() {
        return process.isAlive();
    }

    String logTail() {
        return ChildProcesses.logTail(log);
    }

    @Override
    public void close() {
        ChildProcesses.end(process, Duration.ofSeconds(10), "MirrorMaker 2");
    }
}
