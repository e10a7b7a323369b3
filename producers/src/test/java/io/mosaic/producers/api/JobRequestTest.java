package io.mosaic.producers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.schemas.JobPriority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestTest {

    private static JobRequest parse(String body) {
        return JobRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"source": "/data/photos"}                                    | /data/photos    |
            {"source": " /data/photos/ ", "jobId": null}                  | /data/photos    |
            {"source": "/data/./photos/../photos"}                        | /data/photos    |
            {"source": "file:/data/my%20photos/"}                         | /data/my photos |
            {"source": "file:///data/photos", "jobId": "holiday-2024.v2"} | /data/photos    | holiday-2024.v2
            {"jobId": "A_1", "source": "/x"}                              | /x              | A_1
            """)
    void acceptsAnAbsoluteDirectoryAsPathOrFileUriAndAnOptionalJobId(String body, String directory, String jobId) {
        JobRequest request = parse(body);

        assertThat(request.directory()).isEqualTo(Path.of(directory));
        assertThat(request.jobId()).isEqualTo(jobId);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"source": "/data"}                        | NORMAL
            {"source": "/data", "priority": null}      | NORMAL
            {"source": "/data", "priority": "high"}    | HIGH
            {"source": "/data", "priority": " Batch "} | BATCH
            """)
    void takesAnOptionalPriorityInAnyCase(String body, JobPriority priority) {
        assertThat(parse(body).priority()).isEqualTo(priority);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                            | JSON object
            '   '                                         | JSON object
            {"source": "/data"                            | not valid JSON
            source=/data                                  | not valid JSON
            ["/data"]                                     | JSON object
            "/data"                                       | JSON object
            null                                          | JSON object
            {}                                            | missing field 'source'
            {"source": null}                              | missing field 'source'
            {"jobId": "j"}                                | missing field 'source'
            {"source": ""}                                | must not be blank
            {"source": "   "}                             | must not be blank
            {"source": 42}                                | must be a string
            {"source": ["/a", "/b"]}                      | must be a string
            {"source": "photos"}                          | absolute path
            {"source": "./photos"}                        | absolute path
            {"source": "file:photos"}                     | file: URI
            {"source": "file://server/share"}             | file: URI
            {"source": "http://example.com/photos/"}      | file system
            {"source": "ftp://bucket/photos"}             | file system
            {"urls": []}                                  | non-empty array
            {"urls": "https://h/a.jpg"}                   | non-empty array
            {"urls": [1]}                                 | strings only
            {"source": "/d", "urls": ["https://h/a.jpg"]} | either 'source' or 'urls'
            {"source": "/data", "jobid": "j"}             | unknown field 'jobid'
            {"source": "/data", "jobId": ""}              | 'jobId' must be
            {"source": "/data", "jobId": "../../etc"}     | 'jobId' must be
            {"source": "/data", "jobId": "a/b"}           | 'jobId' must be
            {"source": "/data", "jobId": "-x"}            | 'jobId' must be
            {"source": "/data", "jobId": 7}               | 'jobId' must be
            {"source": "/data", "priority": "urgent"}     | 'priority' must be
            {"source": "/data", "priority": 1}            | 'priority' must be
            """)
    void refusesAnythingElseWithAMessageForTheCaller(String body, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void acceptsABucketPrefixOrAListOfImageUris() {
        JobRequest s3 = parse("{\"source\": \" s3://photos/2024 \", \"priority\": \"batch\"}");
        assertThat(s3.s3()).isEqualTo("s3://photos/2024");
        assertThat(s3.directory()).isNull();
        assertThat(s3.priority()).isEqualTo(JobPriority.BATCH);
        JobRequest urls = parse("{\"urls\": [\"https://h/a.jpg\", \"s3://photos/b.png\"], \"jobId\": \"mixed\"}");
        assertThat(urls.urls()).containsExactly("https://h/a.jpg", "s3://photos/b.png");
        assertThat(urls.jobId()).isEqualTo("mixed");
    }

    @Test
    void aJobIdOfAtMost128CharactersIsAccepted() {
        String longest = "j".repeat(128);

        assertThat(parse("{\"source\": \"/d\", \"jobId\": \"" + longest + "\"}").jobId()).isEqualTo(longest);
        assertThatThrownBy(() -> parse("{\"source\": \"/d\", \"jobId\": \"" + longest + "j\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 128");
    }
}
