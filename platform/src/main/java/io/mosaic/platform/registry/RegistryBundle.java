package io.mosaic.platform.registry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import io.mosaic.platform.lifecycle.ChildProcesses;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Apicurio Registry's runnable bundle: where the archive is, and its unpacked copy in the user's
 * cache, shared by every JVM that starts a registry. The archive comes from Maven Central: the
 * build copies it beside {@code mosaic.jar} and resolves it into the local repository, so nothing
 * is downloaded at run time and a jar with the archive beside it needs no Maven repository.
 */
final class RegistryBundle {

    static final String VERSION = "2.6.13.Final";
    static final String ARCHIVE_NAME = "apicurio-registry-app-" + VERSION + "-all.tar.gz";
    static final String RUNNER_JAR = "apicurio-registry-app-" + VERSION + "-runner.jar";
    static final String BUNDLE_PROPERTY = "mosaic.registry.bundle";
    static final String BUNDLE_ENV = "MOSAIC_REGISTRY_BUNDLE";
    static final String CACHE_PROPERTY = "mosaic.cache.dir";

    /** Written last into a complete copy; a directory without it is not to be trusted. */
    static final String COMPLETE_MARKER = ".unpacked";
    private static final String UNPACKED_DIR = "apicurio-registry-" + VERSION;

    private final UnaryOperator<String> systemProperties;
    private final UnaryOperator<String> environment;
    private final Optional<Path> jarDirectory;

    /**
     * @param jarDirectory the directory of the jar Mosaic runs from, where the build puts the
     *     archive beside {@code mosaic.jar}; empty when running from classes
     */
    RegistryBundle(UnaryOperator<String> systemProperties, UnaryOperator<String> environment, Optional<Path> jarDirectory) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.jarDirectory = jarDirectory;
    }

    static RegistryBundle fromSystem() {
        return new RegistryBundle(System::getProperty, System::getenv, jarDirectory(RegistryBundle.class));
    }

    /** The directory of the jar {@code type} was loaded from; empty for a class directory or an unknown source. */
    static Optional<Path> jarDirectory(Class<?> type) {
        return ChildProcesses.jarDirectory(type);
    }

    /**
     * The bundle archive: the {@value #BUNDLE_PROPERTY} system property, else the
     * {@value #BUNDLE_ENV} environment variable, else beside the jar Mosaic runs from (the build
     * copies it next to {@code mosaic.jar}), else the local Maven repository ({@code
     * maven.repo.local} or {@code ~/.m2/repository}). The first that exists wins.
     */
    Path archive() {
        List<String> looked = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        String property = systemProperties.apply(BUNDLE_PROPERTY);
        if (isSet(property)) {
            candidates.add(Path.of(property));
            looked.add(property + " (system property " + BUNDLE_PROPERTY + ")");
        }
        String env = environment.apply(BUNDLE_ENV);
        if (isSet(env)) {
            candidates.add(Path.of(env));
            looked.add(env + " (environment variable " + BUNDLE_ENV + ")");
        }
        jarDirectory.ifPresent(dir -> {
            candidates.add(dir.resolve(ARCHIVE_NAME));
            looked.add(dir.resolve(ARCHIVE_NAME) + " (beside the jar)");
        });
        String repoProperty = systemProperties.apply("maven.repo.local");
        Path repository = isSet(repoProperty)
                ? Path.of(repoProperty)
                : Path.of(systemProperties.apply("user.home"), ".m2", "repository");
        Path inRepository = repository.resolve(
                Path.of("io", "apicurio", "apicurio-registry-app", VERSION, ARCHIVE_NAME));
        candidates.add(inRepository);
        looked.add(inRepository + " (local Maven repository)");

        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("The schema registry bundle " + ARCHIVE_NAME + " was not found. Looked at:\n  "
                + String.join("\n  ", looked)
                + "\nRun ./mvnw package once (it puts the bundle beside app/target/mosaic.jar and into the local Maven"
                + " repository), copy the file beside the jar, or point " + BUNDLE_ENV + " (or -D" + BUNDLE_PROPERTY
                + ") at it.");
    }

    /**
     * The cache root: the {@value #CACHE_PROPERTY} system property, else
     * {@code $XDG_CACHE_HOME/mosaic}, else {@code ~/.cache/mosaic}.
     */
    Path cacheRoot() {
        String property = systemProperties.apply(CACHE_PROPERTY);
        if (isSet(property)) {
            return Path.of(property);
        }
        String xdg = environment.apply("XDG_CACHE_HOME");
        if (isSet(xdg)) {
            return Path.of(xdg, "mosaic");
        }
        return Path.of(systemProperties.apply("user.home"), ".cache", "mosaic");
    }

    /** The directory holding {@value #RUNNER_JAR} and its {@code lib/}, unpacked on first use. */
    Path home() throws IOException {
        return unpack(archive(), cacheRoot());
    }

    /**
     * Unpacks {@code archive} into {@code cacheRoot}, once. The archive is extracted into a
     * private sibling directory and renamed into place, so a reader never sees half a copy and
     * two JVMs racing here both end up with the one complete directory.
     */
    static Path unpack(Path archive, Path cacheRoot) throws IOException {
        Path target = cacheRoot.resolve(UNPACKED_DIR);
        if (isComplete(target)) {
            return target;
        }
        Files.createDirectories(cacheRoot);
        if (Files.exists(target)) {
            // Only the rename below creates the target, with its marker already inside; a target
            // without one was damaged from outside. Replace it.
            deleteRecursively(target);
        }
        Path staging = Files.createTempDirectory(cacheRoot, UNPACKED_DIR + ".partial-");
        try {
            extract(archive, staging);
            if (!Files.isRegularFile(staging.resolve(RUNNER_JAR))) {
                throw new IOException(archive + " holds no " + RUNNER_JAR + ": it is not Apicurio Registry's runnable bundle");
            }
            Files.writeString(staging.resolve(COMPLETE_MARKER), archive + System.lineSeparator());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailed) {
                if (!isComplete(target)) {
                    throw moveFailed;
                }
                // Another JVM renamed its copy into place first; use that one.
            }
        } finally {
            deleteRecursively(staging);
        }
        return target;
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE_MARKER));
    }

    private static void extract(Path archive, Path into) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException(archive + " has an entry outside its root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                }
                // The bundle holds only jars and directories; links and devices are skipped.
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
