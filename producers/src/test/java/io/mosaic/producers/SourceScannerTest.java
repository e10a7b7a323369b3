package io.mosaic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceScannerTest {

    @TempDir
    Path dir;

    @Test
    void findsImagesRecursivelyByExtensionInPathOrderAndCountsTheRest() throws IOException {
        Files.createDirectories(dir.resolve("b/deeper"));
        for (String name : new String[] {"z.JPG", "a.png", "b/c.webp", "b/deeper/d.tiff", "b/e.gif", "f.bmp", "g.tif", "h.jpeg",
                "notes.txt", "b/data.csv", "noextension", ".png"}) {
            Files.writeString(dir.resolve(name), "x");
        }

        SourceScanner.Scan scan = SourceScanner.scan(dir);

        assertThat(scan.images()).extracting(p -> dir.toRealPath().relativize(p).toString())
                .containsExactly("a.png", "b/c.webp", "b/deeper/d.tiff", "b/e.gif", "f.bmp", "g.tif", "h.jpeg", "z.JPG");
        assertThat(scan.skipped()).isEqualTo(4);
    }

    @Test
    void aScanCountsAndEveryWalkGivesTheSameImagesInTheSameOrderAsAListedScan() throws IOException {
        for (int folder = 0; folder < 3; folder++) {
            Path sub = Files.createDirectories(dir.resolve("f" + folder));
            for (int i = 0; i < 5; i++) {
                Files.writeString(sub.resolve("img-" + (4 - i) + ".png"), "x");
            }
            Files.writeString(sub.resolve("readme.md"), "x");
        }

        SourceScanner.Scan counted = SourceScanner.scan(dir);
        SourceScanner.Scan listed = SourceScanner.listed(dir);

        assertThat(counted.listed()).isNull();
        assertThat(counted.imageCount()).isEqualTo(15);
        assertThat(counted.skipped()).isEqualTo(3);
        List<Path> first = new ArrayList<>();
        counted.forEachImage(first::add);
        assertThat(first).hasSize(15).isSorted().isEqualTo(counted.images()).isEqualTo(listed.listed());
    }

    @Test
    void doesNotFollowSymbolicLinksOutOfTheRoot() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.png"), "x");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("mine.png"), "x");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("linked.png"), outside.resolve("secret.png"));

        SourceScanner.Scan scan = SourceScanner.scan(root);

        assertThat(scan.images()).extracting(p -> p.getFileName().toString()).containsExactly("mine.png");
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        assertThatThrownBy(() -> SourceScanner.scan(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no such directory");
    }
}
