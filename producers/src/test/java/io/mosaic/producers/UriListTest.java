package io.mosaic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.s3.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UriListTest {

    @TempDir
    Path dir;

    @Test
    void aFileListsOneUriPerLineLeavingOutCommentsBlanksAndRepeats() throws Exception {
        Path file = Files.writeString(dir.resolve("urls.txt"), String.join("\n",
                "# holiday", "https://images.example.org/a.jpg", "", "  s3://photos/b%20c.png  ", "https://images.example.org/a.jpg"));
        UriList list = UriList.read(file);
        assertThat(list.uris()).containsExactly("https://images.example.org/a.jpg", "s3://photos/b%20c.png");
        assertThat(list.imageCount()).isEqualTo(2);
        assertThat(list.skipped()).isEqualTo(1);
        assertThat(list.uri()).isEqualTo(file.toUri().toString());
        List<String> walked = new ArrayList<>();
        list.forEachTaskUri(walked::add);
        assertThat(walked).isEqualTo(list.uris());
    }

    @Test
    void theSameListGivenInARequestIsTheSameJob() {
        UriList one = UriList.of(List.of("https://h/a.jpg", "https://h/b.jpg"));
        UriList again = UriList.of(List.of("https://h/a.jpg", "", "https://h/b.jpg"));
        assertThat(one.uri()).startsWith("urn:mosaic:url-list:").isEqualTo(again.uri());
        assertThat(UriList.of(List.of("https://h/b.jpg")).uri()).isNotEqualTo(one.uri());
    }

    @Test
    void aBadLineIsNamed() {
        assertThatThrownBy(() -> UriList.of(List.of("https://h/a.jpg", "file:///etc/passwd")))
                .hasMessage("urls line 2: only http://, https:// and s3:// URIs may be listed, got file:///etc/passwd");
        assertThatThrownBy(() -> UriList.of(List.of("s3://photos/dir/"))).hasMessageContaining("line 1: names a prefix");
        assertThatThrownBy(() -> UriList.of(List.of("https://h/a b.jpg"))).hasMessageContaining("line 1: not a valid URI");
        assertThatThrownBy(() -> UriList.of(List.of("# nothing"))).hasMessageContaining("holds no URI");
    }

    @Test
    void hostsAndBucketsMustBeAllowedWhereTheJobIsSubmitted() {
        S3Settings photosOnly = new S3Settings(Set.of("photos"), Optional.empty(), Optional.empty(), false, false,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), null);
        try (JobSources sources = new JobSources(photosOnly, Set.of("images.example.org"))) {
            assertThat(sources.urls(List.of("https://images.example.org/a.jpg", "s3://photos/b.png")).imageCount()).isEqualTo(2);
            assertThatThrownBy(() -> sources.urls(List.of("https://169.254.169.254/latest/meta-data")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("host not allowed: 169.254.169.254 (not in source.http.allowed.hosts)");
            assertThatThrownBy(() -> sources.urls(List.of("s3://private/x.png")))
                    .hasMessageStartingWith("bucket not allowed: private");
        }
    }
}
