package io.mosaic.platform.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What sources may name: the local directories of {@code file:} sources (and, below, the hosts of
 * {@code http:} ones). For directories: the jobs API refuses a job outside
 * them and a worker answers a task outside them with a FAILED result. Secure by default: unset, it
 * is the working directory, never the whole file system; {@code /} opens everything on purpose.
 */
public final class SourceRoots {

    public static final Setting<String> FILE_ALLOWED_ROOTS = Setting.string("source.file.allowed.roots", ".",
            "comma-separated directories that file: sources must lie under, symbolic links and '..' resolved first"
                    + " (default: the working directory; / opens the whole file system; mosaic demo and chaos set their own"
                    + " folders, compose /images)");

    /** Declared here, beside the roots, because the jobs API checks a URL list's hosts as it checks a directory. */
    public static final Setting<String> HTTP_ALLOWED_HOSTS = Setting.string("source.http.allowed.hosts", null,
            "comma-separated host names http: and https: sources may be fetched from, any port (default: none, so http sources are off)");

    private SourceRoots() {
    }

    /** The allowed http hosts, lower-case; empty when http sources are off. */
    public static Set<String> allowedHosts(MosaicConfig config) {
        String raw = config.get(HTTP_ALLOWED_HOSTS);
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(raw.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Why {@code host} may not be fetched from over http, or empty when it may. */
    public static Optional<String> hostRefusal(Set<String> allowedHosts, String host) {
        if (allowedHosts.isEmpty()) {
            return Optional.of("http sources are off (" + HTTP_ALLOWED_HOSTS.key() + " is empty)");
        }
        if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            return Optional.of("host not allowed: " + host + " (not in " + HTTP_ALLOWED_HOSTS.key() + ")");
        }
        return Optional.empty();
    }

    /** The configured roots as absolute paths, each resolved to its real path where it exists. */
    public static List<Path> from(MosaicConfig config) {
        String raw = config.get(FILE_ALLOWED_ROOTS);
        return Arrays.stream((raw == null ? "." : raw).split(","))
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .map(SourceRoots::real)
                .toList();
    }

    /** The message for a path outside the roots: what was refused, and the setting that opens it. */
    public static String outside(Object path) {
        return "outside the directories this service may read: " + path + " (set " + FILE_ALLOWED_ROOTS.key()
                + ", env " + FILE_ALLOWED_ROOTS.environmentVariable() + ", to allow it)";
    }

    private static Path real(String root) {
        Path path = Path.of(root).toAbsolutePath().normalize();
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }
}
