package io.mosaic.platform.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every service run as a child JVM has (the schema registry, the S3 server): a private
 * working directory, the child's output in a log file there, an environment cut down to a few
 * variables, a shutdown hook that ends the child when this JVM exits normally or on Ctrl-C, and
 * an end that also deletes the directory. The child should also be started through
 * {@link WatchedMain}, so that it ends when this JVM is killed with SIGKILL.
 *
 * <p>{@link #process()} and {@link #workDir()} are read by the shutdown hook without a lock, so
 * that a hook never waits for a start in progress; the service serializes the rest.
 */
public final class ChildService {

    /**
     * Variables a child keeps. Servers read settings from variables with generic names
     * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code HTTP_PORT}, {@code LOG_LEVEL}), which a Kafka user's
     * shell often defines for other programs.
     */
    public static final Set<String> INHERITED_ENVIRONMENT = Set.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ");
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final String logFileName;
    private volatile Process process;
    private volatile Path workDir;
    private Thread shutdownHook;

    /**
     * @param name        what the service is called in logs and errors
     * @param logFileName the child's log, in its working directory
     */
    public ChildService(String name, String logFileName) {
        this.name = name;
        this.logFileName = logFileName;
    }

    /** Makes the working directory, readable by this user only, and registers the shutdown hook. */
    public Path open(String directoryPrefix) throws IOException {
        if (workDir != null) {
            throw new IllegalStateException(name + " is already open in " + workDir);
        }
        workDir = Files.createTempDirectory(directoryPrefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        shutdownHook = new Thread(this::end, "shutdown of " + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return workDir;
    }

    /**
     * Starts {@code command} in the working directory with its output in the log, its input closed,
     * and only the {@link #INHERITED_ENVIRONMENT} of this JVM's variables plus {@code environment}.
     */
    public Process launch(List<String> command, Map<String, String> environment) throws IOException {
        Path dir = requireOpen();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(logFileName).toFile());
        builder.environment().keySet().retainAll(INHERITED_ENVIRONMENT);
        builder.environment().putAll(environment);
        Process child = builder.start();
        child.getOutputStream().close();
        process = child;
        return child;
    }

    /** The child last launched; null before the first launch and after {@link #close()}. */
    public Process process() {
        return process;
    }

    /** The working directory; null before {@link #open} and after {@link #close()}. */
    public Path workDir() {
        return workDir;
    }

    /** The child's output. */
    public Path logFile() {
        return requireOpen().resolve(logFileName);
    }

    /** The last lines of the child's log, for an error message; never throws. */
    public String logTail() {
        Path dir = workDir;
        return ChildProcesses.logTail(dir == null ? null : dir.resolve(logFileName));
    }

    /** Ends the child (SIGTERM, then SIGKILL after a grace period), keeping its directory for another launch. */
    public void endProcess() {
        ChildProcesses.end(process, STOP_GRACE, name);
    }

    /** Kills the child as a crash would (SIGKILL), keeping its directory; returns it. */
    public Process kill() {
        Process child = process;
        if (child == null) {
            throw new IllegalStateException(name + " is not running");
        }
        ChildProcesses.kill(child, STOP_GRACE);
        return child;
    }

    /** Ends the child and deletes its directory; may be called again, and before {@link #open}. */
    public void close() {
        end();
        process = null;
        workDir = null;
        ChildProcesses.removeShutdownHook(shutdownHook);
        shutdownHook = null;
    }

    private void end() {
        ChildProcesses.endAndDelete(process, workDir, STOP_GRACE, name);
    }

    private Path requireOpen() {
        Path dir = workDir;
        if (dir == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return dir;
    }
}
