package io.mosaic.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcePathTest {

    @ParameterizedTest
    @CsvSource({
            "/jobs,          ''",
            "/jobs/,         ''",
            "/jobs/job-1,    job-1",
            "/jobs/a b%c,    a b%c",
    })
    void readsTheIdOrNoneForTheCollection(String path, String id) {
        assertThat(ResourcePath.id("/jobs", path)).isEqualTo(id.isEmpty() ? Optional.empty() : Optional.of(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/jobsx", "/jobs/a/b", "/jobs//", "/other/a", "/"})
    void anyOtherPathIsNotFound(String path) {
        assertThatThrownBy(() -> ResourcePath.id("/jobs", path)).isInstanceOf(NoSuchElementException.class).hasMessageContaining(path);
    }

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:7072,     job-1,   ,                  http://127.0.0.1:7072/jobs/job-1",
            "http://127.0.0.1:7072/,    job-1,   local=true,        http://127.0.0.1:7072/jobs/job-1?local=true",
            "http://host:7072/mosaic,   a b?#%,  ,                  http://host:7072/mosaic/jobs/a%20b%3F%23%25",
            "http://host:7072,          ,        local=true,        http://host:7072/jobs?local=true",
    })
    void buildsUrlsWithTheIdEscapedAsOneSegment(String base, String id, String query, String expected) {
        URI uri = ResourcePath.uri(base, "/jobs", id, query);

        assertThat(uri.toString()).isEqualTo(expected);
        if (id != null) {
            assertThat(ResourcePath.id("/jobs", uri.getPath().replace("/mosaic", ""))).contains(id);
        }
    }
}
