package io.mosaic.consumers.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.testing.FaultyTcpProxy;
import io.mosaic.platform.s3.S3Clients;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.s3.S3Uri;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Workers' downloads from a real S3 server (S3Proxy), with a proxy in front that throttles and
 * stalls on demand: what is retried (503 SlowDown, timeouts), what fails the task at once (a
 * missing object, a wrong key, a changed object, a bucket not allowed, too many bytes), and the
 * endpoint's circuit. Each fault is also shown with the handling off, failing the fetch.
 */
class S3SourceIT {

    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4};
    private static final SourceSettings.RetrySettings RETRIES = new SourceSettings.RetrySettings(4, Duration.ofMillis(20), Duration.ofMillis(80));
    private static final SourceSettings.RetrySettings NO_RETRIES = new SourceSettings.RetrySettings(1, Duration.ofMillis(20), Duration.ofMillis(80));
    private static final SourceSettings.BreakerSettings LENIENT = new SourceSettings.BreakerSettings(100, 100, 100, Duration.ofSeconds(30));

    private static final EmbeddedS3Server server = new EmbeddedS3Server();
    private static FaultyTcpProxy proxy;
    private static S3Settings direct;
    private static String etag;

    @BeforeAll
    static void start() throws Exception {
        server.start();
        server.createBucket("photos");
        server.createBucket("secret");
        direct = server.settings(Set.of("photos"));
        try (S3Client client = S3Clients.create(direct, false)) {
            etag = client.putObject(PutObjectRequest.builder().bucket("photos").key("a.png").build(), RequestBody.fromBytes(IMAGE)).eTag();
            client.putObject(PutObjectRequest.builder().bucket("photos").key("big.png").build(), RequestBody.fromBytes(new byte[4096]));
        }
        Files.write(server.dataDir().resolve("secret").resolve("x.png"), IMAGE);
        proxy = new FaultyTcpProxy(URI.create(server.endpoint()).getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        server.stop();
    }

    private static ImageSources sources(S3Settings s3, SourceSettings.RetrySettings retry, SourceSettings.BreakerSettings breaker, long maxBytes) {
        return new ImageSources(retry, List.of(new S3Source(s3, maxBytes, breaker)));
    }

    /** {@code s3://photos/a.png} fetched through the proxy with {@code retry}, by sources closed again after. */
    private static FetchResult fetchThroughProxy(SourceSettings.RetrySettings retry) {
        try (ImageSources s3 = sources(throughProxy(), retry, LENIENT, 1024)) {
            return s3.fetch("s3://photos/a.png");
        }
    }

    private static S3Settings throughProxy() {
        return new S3Settings(direct.allowedBuckets(), Optional.of(URI.create(proxy.endpoint())), direct.region(), true, false,
                Duration.ofSeconds(2), Duration.ofMillis(800), direct.credentials());
    }

    @Test
    void anObjectIsDownloadedAndItsPinnedVersionChecked() {
        ImageSources s3 = sources(direct, RETRIES, LENIENT, 1024);
        S3Uri a = new S3Uri("photos", "a.png", null);
        assertThat(s3.fetch(a.toString())).isInstanceOfSatisfying(FetchResult.Fetched.class, fetched -> {
            assertThat(((ImageContent.Downloaded) fetched.content()).bytes()).isEqualTo(IMAGE);
            assertThat(fetched.attempts()).isEqualTo(1);
        });
        assertThat(s3.fetch(a.withEtag(etag).toString())).isInstanceOf(FetchResult.Fetched.class);
        assertThat(s3.fetch(a.withEtag("0123456789abcdef0123456789abcdef").toString()))
                .isEqualTo(new FetchResult.Failed("object changed since the job was submitted (its ETag is no longer"
                        + " 0123456789abcdef0123456789abcdef): s3://photos/a.png; submit the job again to analyse the new version", 1));
    }

    @Test
    void closingTheSourcesReleasesTheClientAndALaterFetchMakesAnother() {
        ImageSources s3 = sources(direct, RETRIES, LENIENT, 1024);
        assertThat(s3.fetch("s3://photos/a.png")).isInstanceOf(FetchResult.Fetched.class);

        s3.close();
        s3.close();

        // A client closed but kept would refuse ("Connection pool shut down").
        assertThat(s3.fetch("s3://photos/a.png")).isInstanceOf(FetchResult.Fetched.class);
        s3.close();
    }

    @Test
    void permanentAnswersFailTheTaskAtOnceWithTheirReason() {
        ImageSources s3 = sources(direct, RETRIES, LENIENT, 1024);
        String at = " at " + direct.endpointName();
        assertThat(s3.fetch("s3://photos/missing.png")).isEqualTo(new FetchResult.Failed("no such object: s3://photos/missing.png" + at, 1));
        assertThat(s3.fetch("s3://secret/x.png")).isEqualTo(new FetchResult.Failed(
                "bucket not allowed: secret (not in source.s3.allowed.buckets)", 1));
        assertThat(s3.fetch("s3://photos/big.png")).isEqualTo(new FetchResult.Failed(
                "download over the limit of 1024 bytes: s3://photos/big.png 4096 bytes declared", 1));

        S3Settings wrongKey = direct.withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("intruder", "not-the-secret")));
        FetchResult denied = sources(wrongKey, RETRIES, LENIENT, 1024).fetch("s3://photos/a.png");
        assertThat(denied).isInstanceOfSatisfying(FetchResult.Failed.class, failed -> {
            assertThat(failed.reason()).startsWith("access denied to s3://photos/a.png" + at).doesNotContain("not-the-secret");
            assertThat(failed.attempts()).isEqualTo(1);
        });
    }

    @Test
    void throttlingIsRetriedWithBackoffAndWithoutRetriesFailsTheTask() {
        proxy.slowDown(2);
        FetchResult retried = fetchThroughProxy(RETRIES);
        assertThat(retried).isInstanceOfSatisfying(FetchResult.Fetched.class, fetched -> assertThat(fetched.attempts()).isEqualTo(3));

        proxy.slowDown(1);
        FetchResult once = fetchThroughProxy(NO_RETRIES);
        assertThat(once).isInstanceOfSatisfying(FetchResult.Failed.class,
                failed -> assertThat(failed.reason()).startsWith("S3 answered HTTP 503 SlowDown for s3://photos/a.png"));
        proxy.slowDown(0);
    }

    @Test
    void aStalledRequestTimesOutAndIsRetried() {
        proxy.hang(1);
        FetchResult retried = fetchThroughProxy(RETRIES);
        assertThat(retried).isInstanceOfSatisfying(FetchResult.Fetched.class, fetched -> assertThat(fetched.attempts()).isEqualTo(2));

        proxy.hang(1);
        FetchResult once = fetchThroughProxy(NO_RETRIES);
        assertThat(once).isInstanceOfSatisfying(FetchResult.Failed.class,
                failed -> assertThat(failed.reason()).contains("timed out").contains("s3://photos/a.png"));
        proxy.hang(0);
    }

    @Test
    void anEndpointThatKeepsThrottlingHasItsCircuitOpened() {
        SourceSettings.BreakerSettings strict = new SourceSettings.BreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        ImageSources s3 = sources(throughProxy(), NO_RETRIES, strict, 1024);
        proxy.slowDown(100);
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(s3.fetch("s3://photos/a.png")).isInstanceOf(FetchResult.Failed.class);
            }
            int before = proxy.connections();
            FetchResult fast = s3.fetch("s3://photos/a.png");
            assertThat(fast).isInstanceOfSatisfying(FetchResult.Failed.class, failed -> assertThat(failed.reason())
                    .startsWith("circuit open for S3 endpoint " + throughProxy().endpointName()));
            assertThat(proxy.connections()).as("no request while the circuit is open").isEqualTo(before);
        } finally {
            proxy.slowDown(0);
        }
    }
}
