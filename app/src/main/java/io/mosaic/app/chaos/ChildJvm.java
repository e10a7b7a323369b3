package io.mosaic.app.chaos;

import io.mosaic.app.MosaicCommand;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.lifecycle.WatchedMain;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Mosaic service ({@code mosaic worker}, {@code mosaic aggregator}) in a JVM of its own, so
 * that it can be killed, paused or stopped like a real deployment's process. Its output goes to a
 * log file that survives restarts; it ends itself when this JVM is gone ({@link WatchedMain}).
 */
public final class ChildJvm {

    /** How long a killed process may take to be gone. */
    private static final Duration GONE_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final String service;
    private final List<String> arguments;
    private final List<String> jvmOptions;
    private final Path logFile;
    private final Map<String, String> environment = new HashMap<>();
    private Path directory;
    private List<String> launcher = List.of();
    private Process process;
    private long logOffsetAtStart;
    private boolean paused;
    private int starts;

    /**
     * @param name      how the run names it, e.g. {@code w1}; also its {@code instance.id}
     * @param service   the subcommand, {@code worker} or {@code aggregator}
     * @param arguments options after the subcommand
     */
    public ChildJvm(String name, String service, List<String> arguments, String heap, Path logFile) {
        // Serial GC and the client compiler only: a chaos run puts a dozen JVMs on a laptop's few
        // cores, where optimising compilers in every one of them would slow start-up and recovery.
        this(name, service, arguments, List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), logFile);
    }

    /** A service in a JVM started with {@code jvmOptions}, e.g. as a deployment would run it. */
    public ChildJvm(String name, String service, List<String> arguments, List<String> jvmOptions, Path logFile) {
        this.name = name;
        this.service = service;
        this.arguments = List.copyOf(arguments);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    /** Variables added to the child's environment from its next start, e.g. the AWS SDK's credentials. */
    public synchronized ChildJvm withEnvironment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** The child's working directory from its next start; by default this JVM's. */
    public synchronized ChildJvm inDirectory(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    /** A command put before java from the next start, e.g. {@code ip netns exec <namespace>}. */
    public synchronized ChildJvm launchedBy(List<String> prefix) {
        this.launcher = List.copyOf(prefix);
        return this;
    }

    String service() {
        return service;
    }

    Path logFile() {
        return logFile;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        starts++;
        Files.writeString(logFile, "---- start " + starts + " at " + Instant.now() + " ----" + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        logOffsetAtStart = Files.size(logFile);
        List<String> command = new ArrayList<>(launcher);
        command.addAll(command(jvmOptions, service, arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        process = builder.start();
        paused = false;
    }

    /**
     * The command line of {@code mosaic <service> <arguments>} in a new JVM with {@code jvmOptions},
     * on this JVM's class path, ending itself when this JVM is gone ({@link WatchedMain}).
     */
    public static List<String> command(List<String> jvmOptions, String service, List<String> arguments) {
        List<String> serviceArguments = new ArrayList<>();
        serviceArguments.add(service);
        serviceArguments.addAll(arguments);
        return ChildProcesses.watchedJava(jvmOptions, ChildProcesses.absoluteClassPath(), MosaicCommand.class.getName(), serviceArguments);
    }

    /**
     * The options that join a service to the pipeline {@code config} describes: where Kafka and
     * the registry are, the group prefix and the topics' names (which a pipeline on a shared
     * cluster has of its own).
     */
    public static List<String> connection(MosaicConfig config) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", config.bootstrapServers(),
                "--schema-registry-url", config.schemaRegistryUrl(),
                "--set", KafkaSettings.GROUP_PREFIX.key() + "=" + config.get(KafkaSettings.GROUP_PREFIX)));
        for (Setting<String> topic : TopicConfig.NAMES) {
            args.addAll(List.of("--set", topic.key() + "=" + config.get(topic)));
        }
        return args;
    }

    /** Waits until the service prints that it runs; fails at once if the process exits first. */
    public void awaitRunning(Duration timeout) throws IOException, InterruptedException {
        String marker = service + ": running";
        boolean running = Poll.within(timeout, Duration.ofMillis(200), () -> {
            if (logSinceStart().contains(marker)) {
                return true;
            }
            Process p = currentProcess();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; see " + logFile);
            }
            return false;
        });
        if (!running) {
            throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; see " + logFile);
        }
    }

    /** The log written since the latest start. */
    String logSinceStart() throws IOException {
        long from;
        synchronized (this) {
            from = logOffsetAtStart;
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            if (length <= from) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - from, 4 << 20)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private synchronized Process currentProcess() {
        return process;
    }

    /** SIGKILL: no shutdown hook runs, an open transaction stays open until it is fenced or times out. */
    public void kill() {
        ChildProcesses.kill(currentProcess(), GONE_WAIT);
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns how long the process took to exit. */
    public Duration terminate(Duration grace) {
        long started = System.nanoTime();
        ChildProcesses.end(currentProcess(), grace, name);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** SIGSTOP: every thread freezes, heartbeats included, as in a long GC pause or a frozen VM. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        synchronized (this) {
            paused = true;
        }
    }

    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        synchronized (this) {
            paused = false;
        }
    }

    /** Ends the process whatever its state; a paused process is continued first so it can die. */
    public void destroy() {
        Process p = currentProcess();
        if (p == null || !p.isAlive()) {
            return;
        }
        boolean wasPaused;
        synchronized (this) {
            wasPaused = paused;
        }
        try {
            if (wasPaused) {
                resume();
            }
        } catch (IOException | InterruptedException e) {
            // SIGKILL ends a stopped process too.
        }
        ChildProcesses.kill(p, GONE_WAIT);
    }

    private void signal(String signal) throws IOException, InterruptedException {
        long pid = pid();
        if (pid < 0) {
            throw new IllegalStateException(name + " is not running");
        }
        ChildProcesses.signal(pid, signal);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
