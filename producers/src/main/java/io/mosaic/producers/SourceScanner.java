package io.mosaic.producers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Lists the images under a directory: every regular file, recursively, whose extension names an
 * image format. Other files are counted as skipped. Order is by path, so the same directory
 * always gives the same list. Symbolic links are not followed, so a scan never leaves the root.
 */
public final class SourceScanner {

    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp");

    /** The images found and how many other files were skipped. */
    public record Scan(Path root, List<Path> images, int skipped) {
    }

    private SourceScanner() {
    }

    public static Scan scan(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(Files.exists(directory)
                    ? directory + " is not a directory"
                    : "no such directory: " + directory);
        }
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + directory, e);
        }
        // find() hands over the attributes the walk has already read: no second stat per file.
        try (Stream<Path> files = Files.find(root, Integer.MAX_VALUE, (path, attributes) -> attributes.isRegularFile())) {
            List<Path> regular = files.sorted().toList();
            List<Path> images = regular.stream().filter(SourceScanner::isImageName).toList();
            return new Scan(root, images, regular.size() - images.size());
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
