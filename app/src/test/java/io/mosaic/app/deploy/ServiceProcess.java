package io.mosaic.app.deploy;

import io.mosaic.platform.lifecycle.ChildProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Mosaic service in a JVM of its own, started from this JVM's class path, with its output in
 * a log file. A JVM shutdown hook kills whatever a test left running, so a test JVM that is
 * stopped early leaves no service behind.
 */
record ServiceProcess(String name, Process process, Path logFile) {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "mosaic-service-processes-kill"));
    }

    /**
     * Starts {@code java <jvmOptions> -cp <this JVM's class path> <mainClass> <args>} with exactly
     * {@code environment} added to this JVM's environment minus its {@code MOSAIC_} variables.
     */
    static ServiceProcess start(String name, List<String> jvmOptions, String mainClass, List<String> args,
                                Map<String, String> environment, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        try {
            Path log = Files.createDirectories(logDir).resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // The test's own MOSAIC_ variables would reach the service; compose gives it only its own.
            builder.environment().keySet().removeIf(key -> key.startsWith("MOSAIC_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            LIVE.add(process);
            return new ServiceProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; its exit code, or -1 if it is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    /** Asks the service to stop, as {@code docker compose stop} does: SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL, for a service that did not stop when asked; and anything it started. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        ChildProcesses.kill(process, Duration.ofSeconds(10));
        LIVE.remove(process);
    }

    /** The last {@code lines} lines of the service's output. */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    String log() {
        try {
            // Decoded leniently: a log cut mid-character still reads.
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? ")" : ", exited " + process.exitValue() + ")");
    }
}
