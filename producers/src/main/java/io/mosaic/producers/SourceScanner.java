package io.mosaic.producers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the images under a directory: every regular file, recursively, whose extension names an
 * image format. Other files are counted as skipped. Symbolic links are not followed, so a scan
 * never leaves the root.
 *
 * <p>A scan counts; it does not keep the list. {@link Scan#forEachImage} walks the tree again,
 * depth first with each directory's entries sorted by name, so every walk of an unchanged tree
 * gives the same images in the same order, and memory grows with the largest directory, never
 * with the job: a million images in folders of a thousand cost a thousand names at a time.
 */
public final class SourceScanner {

    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp");

    /**
     * What a scan found: the root, how many images and how many other files. {@code listed} holds
     * the images when the scan was asked to keep them ({@link #listed(Path)}), else null.
     */
    public record Scan(Path root, int imageCount, int skipped, List<Path> listed, long listingMs) implements JobSource {

        /** The root directory's {@code file:} URI. */
        @Override
        public String uri() {
            return root.toUri().toString();
        }

        /** The {@code file:} URI of every image, in the scan's order. */
        @Override
        public void forEachTaskUri(Consumer<String> action) {
            forEachImage(image -> action.accept(FileUris.ofRegularFile(image)));
        }

        /** Hands every image to {@code action}, in the scan's order. */
        public void forEachImage(Consumer<Path> action) {
            if (listed != null) {
                listed.forEach(action);
            } else {
                walk(root, action, file -> { });
            }
        }

        /** The images as a list: for small folders and tests; a job's submission walks instead. */
        public List<Path> images() {
            if (listed != null) {
                return listed;
            }
            List<Path> images = new ArrayList<>(imageCount);
            forEachImage(images::add);
            return images;
        }
    }

    private SourceScanner() {
    }

    /** Counts the images under {@code directory}; their paths are walked again when they are used. */
    public static Scan scan(Path directory) {
        Path root = root(directory);
        int[] counts = new int[2];
        long started = System.nanoTime();
        walk(root, image -> counts[0]++, other -> counts[1]++);
        return new Scan(root, counts[0], counts[1], null, (System.nanoTime() - started) / 1_000_000);
    }

    /** Scans {@code directory} and keeps the list of its images in memory. */
    public static Scan listed(Path directory) {
        Path root = root(directory);
        List<Path> images = new ArrayList<>();
        int[] skipped = new int[1];
        long started = System.nanoTime();
        walk(root, images::add, other -> skipped[0]++);
        return new Scan(root, images.size(), skipped[0], List.copyOf(images), (System.nanoTime() - started) / 1_000_000);
    }

    private static Path root(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(Files.exists(directory)
                    ? directory + " is not a directory"
                    : "no such directory: " + directory);
        }
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + directory, e);
        }
    }

    private static void walk(Path root, Consumer<Path> image, Consumer<Path> other) {
        try {
            walkDirectory(root, image, other);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static void walkDirectory(Path dir, Consumer<Path> image, Consumer<Path> other) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        for (Path entry : entries) {
            BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                walkDirectory(entry, image, other);
            } else if (attributes.isRegularFile()) {
                (isImageName(entry) ? image : other).accept(entry);
            }
        }
    }

    static boolean isImageName(Path file) {
        return isImageName(file.getFileName().toString());
    }

    /**
     * True when the last segment of {@code name} (a file name, or an object key whose segments
     * are separated by '/') ends in one of {@link #IMAGE_EXTENSIONS}, in any case.
     */
    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot > slash + 1 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
