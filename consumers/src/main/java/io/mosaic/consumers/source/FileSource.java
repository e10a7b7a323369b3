package io.mosaic.consumers.source;

import io.mosaic.platform.config.SourceRoots;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code file:} URIs, confined to allowed roots. A task's URI comes from whoever could publish to the task
 * topic, so a path is checked twice: as written (after removing {@code .} and {@code ..}), so that
 * {@code /images/../etc/passwd} is refused without touching the file system, and again as its real path,
 * so that a symbolic link inside a root that points out of it is refused too. A path outside the roots
 * is refused before its existence is checked, so the reasons do not reveal which outside files exist.
 *
 * <p>With no roots at all, no local file is served.
 */
public final class FileSource implements ImageSource {

    private final List<Path> roots;
    private final List<Path> realRoots;

    /** {@code allowedRoots}: the directories files must lie under; empty allows none. */
    public FileSource(List<Path> allowedRoots) {
        this.roots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.realRoots = roots.stream().map(FileSource::realOrSelf).toList();
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public ImageContent fetch(URI uri) throws SourceException {
        Path path = pathOf(uri);
        if (!under(path, roots) && !under(path, realRoots)) {
            throw new SourceException("path " + SourceRoots.outside(path));
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new SourceException("file not found: " + path);
        } catch (IOException | SecurityException e) {
            throw new SourceException("cannot read file: " + path + " (" + e.getMessage() + ")");
        }
        if (!under(real, realRoots)) {
            throw new SourceException("path " + SourceRoots.outside(path + ", a link to " + real));
        }
        if (!Files.isRegularFile(real)) {
            throw new SourceException("not a regular file: " + path);
        }
        return new ImageContent.LocalFile(real);
    }

    private static Path pathOf(URI uri) throws SourceException {
        try {
            return Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException | SecurityException e) {
            throw new SourceException("not a valid file URI: " + uri + " (" + e.getMessage() + ")");
        }
    }

    /** Compares whole name elements, so {@code /images-old} is not under {@code /images}. */
    private static boolean under(Path path, List<Path> candidates) {
        return candidates.stream().anyMatch(path::startsWith);
    }

    private static Path realOrSelf(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            // A root that does not exist (yet) holds no files; its written form is all there is to compare.
            return root;
        }
    }
}
