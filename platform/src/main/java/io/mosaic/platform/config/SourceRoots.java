package io.mosaic.platform.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The local directories that {@code file:} sources may name: the jobs API refuses a job outside
 * them and a worker answers a task outside them with a FAILED result. Secure by default: unset, it
 * is the working directory, never the whole file system; {@code /} opens everything on purpose.
 */
public final class SourceRoots {

    public static final Setting<String> FILE_ALLOWED_ROOTS = Setting.string("source.file.allowed.roots", ".",
            "comma-separated directories that file: sources must lie under, symbolic links and '..' resolved first"
                    + " (default: the working directory; / opens the whole file system; mosaic demo and chaos set their own"
                    + " folders, compose /images)");

    private SourceRoots() {
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
