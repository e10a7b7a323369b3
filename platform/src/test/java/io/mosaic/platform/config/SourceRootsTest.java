package io.mosaic.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRootsTest {

    @TempDir
    Path dir;

    @Test
    void unsetTheOnlyRootIsTheWorkingDirectoryNeverTheWholeFileSystem() throws Exception {
        List<Path> roots = SourceRoots.from(MosaicConfig.defaults());

        assertThat(roots).containsExactly(Path.of("").toAbsolutePath().toRealPath());
        assertThat(roots).noneMatch(root -> Path.of("/etc").startsWith(root));
    }

    @Test
    void configuredRootsAreResolvedToTheirRealPaths() throws Exception {
        Path real = Files.createDirectories(dir.resolve("images"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        MosaicConfig config = MosaicConfig.builder()
                .set(SourceRoots.FILE_ALLOWED_ROOTS, link + ", " + dir.resolve("images/../images") + ",/").build();

        assertThat(SourceRoots.from(config)).containsExactly(real.toRealPath(), real.toRealPath(), Path.of("/"));
        assertThat(SourceRoots.outside("/etc")).contains("/etc", "source.file.allowed.roots", "MOSAIC_SOURCE_FILE_ALLOWED_ROOTS");
    }
}
