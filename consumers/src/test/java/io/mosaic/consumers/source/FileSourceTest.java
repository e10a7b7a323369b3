package io.mosaic.consumers.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.config.SourceRoots;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

    private static final String OUTSIDE = "path outside the directories this service may read: ";

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private FileSource source;

    @BeforeEach
    void layOut() throws IOException {
        root = Files.createDirectories(temp.resolve("images"));
        outside = Files.createDirectories(temp.resolve("private"));
        Files.write(root.resolve("a.png"), new byte[] {1});
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/b.png"), new byte[] {2});
        Files.write(outside.resolve("secret.png"), new byte[] {3});
        source = new FileSource(List.of(root));
    }

    @Test
    void servesFilesInsideTheRootAsTheirRealPath() throws Exception {
        assertThat(fetch(root.resolve("a.png").toUri())).isEqualTo(root.resolve("a.png").toRealPath());
        assertThat(fetch(root.resolve("sub/b.png").toUri())).isEqualTo(root.resolve("sub/b.png").toRealPath());
    }

    @Test
    void dotsThatStayInsideTheRootAreFine() throws Exception {
        URI uri = URI.create(root.toUri() + "sub/../a.png");
        assertThat(fetch(uri)).isEqualTo(root.resolve("a.png").toRealPath());
    }

    @Test
    void refusesDotDotEscapes() {
        URI escape = URI.create(root.toUri() + "../private/secret.png");
        assertThatThrownBy(() -> fetch(escape))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith(OUTSIDE)
                .hasMessageContaining("private");
        URI encoded = URI.create(root.toUri() + "%2e%2e/private/secret.png");
        assertThatThrownBy(() -> fetch(encoded)).hasMessageStartingWith(OUTSIDE);
    }

    @Test
    void refusesAnAbsolutePathElsewhere() {
        assertThatThrownBy(() -> fetch(outside.resolve("secret.png").toUri()))
                .isInstanceOf(SourceException.class)
                .hasMessage("path " + SourceRoots.outside(outside.resolve("secret.png").toAbsolutePath().normalize()));
        assertThatThrownBy(() -> fetch(URI.create("file:/etc/passwd")))
                .hasMessage("path " + SourceRoots.outside("/etc/passwd"));
    }

    @Test
    void aSiblingWhoseNameStartsLikeTheRootIsOutside() throws IOException {
        Path sibling = Files.createDirectories(temp.resolve("images-old"));
        Files.write(sibling.resolve("c.png"), new byte[] {4});
        assertThatThrownBy(() -> fetch(sibling.resolve("c.png").toUri()))
                .hasMessageStartingWith(OUTSIDE);
    }

    @Test
    void refusesASymbolicLinkOutOfTheRoot() throws IOException {
        Path fileLink = Files.createSymbolicLink(root.resolve("link.png"), outside.resolve("secret.png"));
        Path dirLink = Files.createSymbolicLink(root.resolve("elsewhere"), outside);
        assertThatThrownBy(() -> fetch(fileLink.toUri()))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith(OUTSIDE + fileLink)
                .hasMessageContaining("a link to");
        assertThatThrownBy(() -> fetch(dirLink.resolve("secret.png").toUri()))
                .hasMessageStartingWith(OUTSIDE);
    }

    @Test
    void followsASymbolicLinkThatStaysInsideTheRoot() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("alias.png"), root.resolve("sub/b.png"));
        assertThat(fetch(link.toUri())).isEqualTo(root.resolve("sub/b.png").toRealPath());
    }

    @Test
    void aRootReachedThroughALinkStillConfines() throws Exception {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("photos"), root);
        FileSource viaLink = new FileSource(List.of(linkedRoot));
        assertThat(viaLink.fetch(linkedRoot.resolve("a.png").toUri()))
                .isEqualTo(new ImageContent.LocalFile(root.resolve("a.png").toRealPath()));
        assertThatThrownBy(() -> viaLink.fetch(outside.resolve("secret.png").toUri()))
                .hasMessageStartingWith(OUTSIDE);
    }

    @Test
    void aMissingFileInsideTheRootIsNotFound() {
        Path missing = root.resolve("missing.png");
        assertThatThrownBy(() -> fetch(missing.toUri()))
                .isInstanceOf(SourceException.class)
                .hasMessage("file not found: " + missing);
    }

    @Test
    void aMissingFileOutsideTheRootIsOutsideNotMissing() {
        // The reason must not tell a caller which files exist beyond the roots.
        assertThatThrownBy(() -> fetch(outside.resolve("nothing-here.png").toUri()))
                .hasMessageStartingWith(OUTSIDE);
    }

    @Test
    void aDirectoryIsNotAnImage() {
        assertThatThrownBy(() -> fetch(root.resolve("sub").toUri()))
                .hasMessageStartingWith("not a regular file: ");
    }

    @Test
    void withoutRootsNoLocalFileIsServedAndTheRootOfTheFileSystemOpensThemAll() throws Exception {
        assertThatThrownBy(() -> new FileSource(List.of()).fetch(outside.resolve("secret.png").toUri()))
                .hasMessageStartingWith(OUTSIDE)
                .hasMessageContaining(SourceRoots.FILE_ALLOWED_ROOTS.key());
        FileSource open = new FileSource(List.of(Path.of("/")));
        assertThat(open.fetch(outside.resolve("secret.png").toUri()))
                .isEqualTo(new ImageContent.LocalFile(outside.resolve("secret.png").toRealPath()));
    }

    @Test
    void aFileUriWithAHostIsRefused() {
        assertThatThrownBy(() -> fetch(URI.create("file://server/share/a.png")))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("not a valid file URI: ");
    }

    private Path fetch(URI uri) throws Exception {
        return ((ImageContent.LocalFile) source.fetch(uri)).path();
    }
}
