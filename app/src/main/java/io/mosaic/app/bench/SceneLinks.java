package io.mosaic.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Jobs of many cheap images without many encodes: {@value #ORIGINALS} generated scenes of 96 x 96
 * (analysis well under a millisecond), written once into a cache folder and hard-linked as many
 * times as a job needs, 1,000 to a folder, each link a task of its own. Real files read from
 * disk, without gigabytes of disk.
 */
final class SceneLinks {

    static final int ORIGINALS = 1_000;

    private final Path originals;
    private final List<Path> scenes;

    private SceneLinks(Path originals) throws IOException {
        this.originals = originals;
        try (Stream<Path> files = Files.list(originals)) {
            this.scenes = files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** The scenes under {@code cache}, written there on first use and kept. */
    static SceneLinks in(Path cache) throws IOException {
        Path dir = cache.resolve("scenes-96x96-" + ORIGINALS);
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            AnalysisBench.writeImages(dir, ORIGINALS, 96, 96);
            Files.createFile(done);
        }
        return new SceneLinks(dir);
    }

    /** The folder of the original scenes. */
    Path originals() {
        return originals;
    }

    /** {@code count} hard links to the scenes under {@code dir}, 1,000 to a folder. */
    Path link(Path dir, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path folder = dir.resolve(String.format(Locale.ROOT, "%04d", i / 1_000));
            if (i % 1_000 == 0) {
                Files.createDirectories(folder);
            }
            Path scene = scenes.get(i % scenes.size());
            Files.createLink(folder.resolve(String.format(Locale.ROOT, "%07d-%s", i, scene.getFileName())), scene);
        }
        return dir;
    }

    /** Deletes {@code dir} and the links in it (the scenes stay). */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
