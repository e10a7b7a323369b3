package io.mosaic.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task ids hash a file's URI, so the fast URI must be {@code Path.toUri()}'s, character for character. */
class FileUrisTest {

    @TempDir
    Path dir;

    @Test
    void isToUriForEveryPrintableAsciiCharacterInAName() throws Exception {
        for (char c = 32; c < 127; c++) {
            if (c == '/') {
                continue;
            }
            Path file = Files.createFile(dir.resolve("a" + c + "b.png"));
            assertThat(FileUris.ofRegularFile(file)).as("name with '%s'", c).isEqualTo(file.toUri().toString());
        }
    }

    @Test
    void isToUriForRandomNamesInNestedFolders() throws Exception {
        Random random = new Random(3);
        String alphabet = "abcXYZ019 -_.!~*'()%#?[]{}&=+$,;:@^`|\\\"<>éüß漢字🙂";
        for (int i = 0; i < 300; i++) {
            StringBuilder name = new StringBuilder();
            int length = 1 + random.nextInt(12);
            name.append('n');
            for (int k = 0; k < length; k++) {
                name.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            Path folder = Files.createDirectories(dir.resolve("d" + (i % 7)).resolve("sub " + (i % 3)));
            Path file = folder.resolve(name + "-" + i + ".jpg");
            Files.createFile(file);
            assertThat(FileUris.ofRegularFile(file)).as(file.toString()).isEqualTo(file.toUri().toString());
        }
    }

    @Test
    void aRelativePathIsMadeAbsoluteAsToUriDoes() throws Exception {
        Path file = Files.createFile(dir.resolve("rel.png"));
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertThat(FileUris.ofRegularFile(relative)).isEqualTo(relative.toUri().toString());
    }
}
