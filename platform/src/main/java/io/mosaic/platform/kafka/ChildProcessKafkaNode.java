package io.mosaic.platform.kafka;

import io.mosaic.platform.lifecycle.ChildProcesses;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node in a JVM of its own ({@link KafkaNodeMain}), so that it can be killed with SIGKILL or
 * paused on its own while the rest of the cluster keeps running. Its output goes to
 * {@code node.log} in its data directory. The child stops itself when this JVM dies.
 */
final class ChildProcessKafkaNode implements KafkaNode {

    private static final Logger log = LoggerFactory.getLogger(ChildProcessKafkaNode.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final int nodeId;
    private final Map<String, String> properties;
    private final Path directory;
    private final String heap;
    private final List<String> launcher;
    private volatile Process process;

    /** {@code launcher} goes before the java command, e.g. {@code ip netns exec <namespace>}; empty for none. */
    ChildProcessKafkaNode(int nodeId, Map<String, String> properties, Path directory, String heap, List<String> launcher) {
        this.nodeId = nodeId;
        this.properties = Map.copyOf(properties);
        this.directory = directory;
        this.heap = heap;
        this.launcher = List.copyOf(launcher);
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Properties props = new Properties();
        props.putAll(new TreeMap<>(properties));
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(writer, "Kafka node " + nodeId + ", written by Mosaic");
        }
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(ChildProcesses.javaExecutable(), "-Xmx" + heap, "-XX:+UseSerialGC",
                "-cp", ChildProcesses.absoluteClassPath(),
                KafkaNodeMain.class.getName(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid()),
                config.toString()));
        Path logFile = directory.resolve("node.log");
        process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        log.info("Kafka node {} started as process {}, log {}", nodeId, process.pid(), logFile);
    }

    /** SIGTERM: the node runs its controlled shutdown; SIGKILL if that takes too long. */
    @Override
    public void stop() {
        ChildProcesses.end(process, STOP_TIMEOUT, "Kafka node " + nodeId);
        process = null;
    }

    @Override
    public void kill() {
        ChildProcesses.kill(process, KILL_WAIT);
        process = null;
    }

    @Override
    public void pause() throws Exception {
        ChildProcesses.signal(process().map(ProcessHandle::pid).orElse(-1L), "STOP");
    }

    @Override
    public void resume() throws Exception {
        ChildProcesses.signal(process().map(ProcessHandle::pid).orElse(-1L), "CONT");
    }

    @Override
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public Optional<ProcessHandle> process() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }
}
