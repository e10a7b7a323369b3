package io.mosaic.platform.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every server Mosaic runs as a child JVM of its own needs (the schema registry, the S3
 * server): this JVM's java, a free port, a class path holding only the watchdog that ends the
 * child when this JVM is gone, a polite stop, and the tail of the child's log for a start failure.
 */
public final class ChildProcesses {

    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    private static final int LOG_TAIL_LINES = 40;

    private ChildProcesses() {
    }

    /** The directory of the jar {@code type} was loaded from; empty for a class directory or an unknown source. */
    public static Optional<Path> jarDirectory(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.ofNullable(location.getParent()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * This JVM's class path with every entry made absolute, for a child started in another
     * working directory ({@code java -jar app/target/mosaic.jar} gives a relative one).
     */
    public static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** The java executable of this JVM. */
    public static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    }

    /**
     * The command line of {@code mainClass arguments} in a new JVM with {@code jvmOptions} on
     * {@code classPath}, started through {@link WatchedMain} so that it ends itself when this JVM
     * is gone, even by SIGKILL. {@code classPath} must hold {@link WatchedMain} ({@link
     * #absoluteClassPath()} does; else put {@link #watchdogClasses(Path)} on it).
     */
    public static List<String> watchedJava(List<String> jvmOptions, String classPath, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, WatchedMain.class.getName(), "--parent-pid",
                Long.toString(ProcessHandle.current().pid()), mainClass));
        command.addAll(arguments);
        return command;
    }

    /** A port free on {@code host} now; the caller's child may still lose it to another process before binding. */
    public static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /**
     * A directory under {@code root} holding only {@link WatchedMain} and {@link ParentWatchdog},
     * copied from this JVM's own classes: a child's class path must not see the rest of Mosaic's.
     * Start the child's main class through {@code WatchedMain --parent-pid <pid> <main class>}.
     */
    public static Path watchdogClasses(Path root) throws IOException {
        for (Class<?> type : List.of(WatchedMain.class, ParentWatchdog.class)) {
            String resource = type.getName().replace('.', '/') + ".class";
            Path target = root.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("cannot find " + resource + " on the class path");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return root;
    }

    /** SIGTERM first, so the child shuts down cleanly; SIGKILL if it does not within {@code grace}. */
    public static void end(Process child, Duration grace, String name) {
        if (child == null || !child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} s; killing it", name, grace.toSeconds());
                child.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, and waits up to {@code wait} for the child to be gone; nothing if there is no live child. */
    public static void kill(Process child, Duration wait) {
        if (child == null || !child.isAlive()) {
            return;
        }
        child.destroyForcibly();
        try {
            child.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends {@code child} as {@link #end} does, then deletes {@code workDir} (its logs, settings and
     * scratch files), best effort: a file left behind is logged, not thrown. Null arguments are ignored.
     */
    public static void endAndDelete(Process child, Path workDir, Duration grace, String name) {
        end(child, grace, name);
        if (workDir != null) {
            try {
                Utils.delete(workDir.toFile());
            } catch (IOException e) {
                log.warn("Cannot delete the files of {} in {}: {}", name, workDir, e.toString());
            }
        }
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}, ...) to process {@code pid} with kill(1). */
    public static void signal(long pid, String signal) throws IOException, InterruptedException {
        if (pid <= 0) {
            throw new IllegalArgumentException("no process to send SIG" + signal + " to");
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + output);
        }
    }

    /** Removes {@code hook}, unless the JVM is already shutting down (then it runs, or has run). Null is ignored. */
    public static void removeShutdownHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
    }

    /** The last lines of {@code logFile}, for an error message; never throws. */
    public static String logTail(Path logFile) {
        if (logFile == null) {
            return "(no log)";
        }
        try {
            // Decoded leniently: a log is worth reading even with a stray byte in it.
            String text = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            if (lines.isEmpty()) {
                return "(empty)";
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
