package io.mosaic.consumers.source;

import static io.mosaic.consumers.source.TestHttpServer.body;
import static io.mosaic.consumers.source.TestHttpServer.failFirst;
import static io.mosaic.consumers.source.TestHttpServer.png;
import static io.mosaic.consumers.source.TestHttpServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mosaic.platform.config.MosaicConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, backoff and circuit breaking, against a real local HTTP server that fails on purpose. */
class ImageSourcesTest extends WithTestHttpServer {

    private static final byte[] IMAGE = png(48, 2);
    private static final Duration BACKOFF = Duration.ofMillis(10);
    private static final SourceSettings.BreakerSettings NEVER_TRIPS =
            new SourceSettings.BreakerSettings(100, 1000, 1000, Duration.ofMinutes(1));

    @Test
    void aFlakyServerIsRetriedUntilItAnswers() {
        server.on("/flaky.png", failFirst(2, 503, IMAGE));
        FetchResult result = sources(4, NEVER_TRIPS).fetch(server.uri("/flaky.png").toString());
        assertThat(result).isInstanceOfSatisfying(FetchResult.Fetched.class, fetched ->
                assertThat(((ImageContent.Downloaded) fetched.content()).bytes()).isEqualTo(IMAGE));
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(server.requests("/flaky.png")).isEqualTo(3);
    }

    @Test
    void withRetriesOffTheSameFlakyServerFails() {
        server.on("/flaky.png", failFirst(2, 503, IMAGE));
        FetchResult result = sources(1, NEVER_TRIPS).fetch(server.uri("/flaky.png").toString());
        assertThat(result).isEqualTo(new FetchResult.Failed(
                "HTTP 503 from " + server.uri("/flaky.png") + " (gave up after 1 attempt)", 1));
        assertThat(server.requests("/flaky.png")).isEqualTo(1);
    }

    @Test
    void tooManyRequestsIsRetried() {
        server.on("/busy.png", failFirst(1, 429, IMAGE));
        FetchResult result = sources(4, NEVER_TRIPS).fetch(server.uri("/busy.png").toString());
        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void aServerThatKeepsFailingGivesUpAfterMaxAttempts() {
        server.on("/broken.png", status(500));
        FetchResult result = sources(4, NEVER_TRIPS).fetch(server.uri("/broken.png").toString());
        assertThat(result).isEqualTo(new FetchResult.Failed(
                "HTTP 500 from " + server.uri("/broken.png") + " (gave up after 4 attempts)", 4));
        assertThat(server.requests("/broken.png")).isEqualTo(4);
    }

    @Test
    void notFoundIsNotRetried() {
        server.on("/missing.png", status(404));
        FetchResult result = sources(4, NEVER_TRIPS).fetch(server.uri("/missing.png").toString());
        assertThat(result).isEqualTo(new FetchResult.Failed("HTTP 404 from " + server.uri("/missing.png"), 1));
        assertThat(server.requests("/missing.png")).isEqualTo(1);
    }

    @Test
    void forbiddenIsNotRetried() {
        server.on("/private.png", status(403));
        FetchResult result = sources(4, NEVER_TRIPS).fetch(server.uri("/private.png").toString());
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(server.requests("/private.png")).isEqualTo(1);
    }

    @Test
    void aTimeoutIsRetriedThenReported() {
        server.on("/slow.png", server.stalled(Duration.ofSeconds(10), IMAGE));
        ImageSources sources = new ImageSources(retry(2), List.of(new HttpSource(new SourceSettings.HttpSettings(
                Set.of("127.0.0.1"), Duration.ofSeconds(2), Duration.ofMillis(300), 1 << 20, NEVER_TRIPS))));
        FetchResult result = sources.fetch(server.uri("/slow.png").toString());
        assertThat(result).isInstanceOfSatisfying(FetchResult.Failed.class, failed -> assertThat(failed.reason())
                .isEqualTo("timed out after 300 ms: " + server.uri("/slow.png") + " (gave up after 2 attempts)"));
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(server.requests("/slow.png")).isEqualTo(2);
    }

    @Test
    void aBodyOverTheLimitIsNotRetried() {
        server.on("/huge.png", body(new byte[8192]));
        ImageSources sources = new ImageSources(retry(4), List.of(new HttpSource(new SourceSettings.HttpSettings(
                Set.of("127.0.0.1"), Duration.ofSeconds(5), Duration.ofSeconds(10), 4096, NEVER_TRIPS))));
        FetchResult result = sources.fetch(server.uri("/huge.png").toString());
        assertThat(result).isInstanceOfSatisfying(FetchResult.Failed.class, failed ->
                assertThat(failed.reason()).startsWith("download over the limit of 4096 bytes"));
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(server.requests("/huge.png")).isEqualTo(1);
    }

    @Test
    void aHostThatIsNotAllowedGetsNoRequest() {
        server.on("/img.png", body(IMAGE));
        ImageSources sources = new ImageSources(retry(4), List.of(new HttpSource(new SourceSettings.HttpSettings(
                Set.of("images.example.org"), Duration.ofSeconds(5), Duration.ofSeconds(10), 1 << 20, NEVER_TRIPS))));
        FetchResult result = sources.fetch(server.uri("/img.png").toString());
        assertThat(result).isEqualTo(new FetchResult.Failed(
                "host not allowed: 127.0.0.1 (not in source.http.allowed.hosts)", 1));
        assertThat(server.requests()).isZero();
    }

    @Test
    void backoffGrowsExponentially() {
        server.on("/broken.png", status(500));
        ImageSources sources = new ImageSources(
                new SourceSettings.RetrySettings(5, Duration.ofMillis(50), Duration.ofSeconds(5)),
                List.of(http(NEVER_TRIPS)));
        long started = System.nanoTime();
        FetchResult result = sources.fetch(server.uri("/broken.png").toString());
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(result.attempts()).isEqualTo(5);
        // Nominal waits of 50, 100, 200 and 400 ms, each at least half that with jitter: 375 ms at the
        // least. Four waits that did not grow would take 300 ms at the most.
        assertThat(elapsedMs).isGreaterThanOrEqualTo(375);
    }

    @Test
    void aHostThatKeepsFailingOpensItsCircuitAndIsNoLongerRequested() {
        server.on("/broken.png", status(500));
        HttpSource http = http(new SourceSettings.BreakerSettings(50, 4, 4, Duration.ofMinutes(1)));
        ImageSources sources = new ImageSources(retry(1), List.of(http));
        List<FetchResult> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(sources.fetch(server.uri("/broken.png").toString()));
        }
        // Four failures fill the window at a 100% failure rate; after that the host is left alone.
        assertThat(server.requests("/broken.png")).isEqualTo(4);
        assertThat(http.circuitState("127.0.0.1")).contains(CircuitBreaker.State.OPEN);
        assertThat(results).hasSize(10).allMatch(r -> r instanceof FetchResult.Failed);
        assertThat(results.subList(0, 4)).allSatisfy(r ->
                assertThat(((FetchResult.Failed) r).reason()).startsWith("HTTP 500"));
        assertThat(results.subList(4, 10)).allSatisfy(r ->
                assertThat(((FetchResult.Failed) r).reason()).startsWith("circuit open for host 127.0.0.1"));
    }

    @Test
    void withoutABreakerThatTripsEveryFetchReachesTheFailingHost() {
        server.on("/broken.png", status(500));
        ImageSources sources = new ImageSources(retry(1), List.of(http(NEVER_TRIPS)));
        for (int i = 0; i < 10; i++) {
            assertThat(((FetchResult.Failed) sources.fetch(server.uri("/broken.png").toString())).reason())
                    .startsWith("HTTP 500");
        }
        assertThat(server.requests("/broken.png")).isEqualTo(10);
    }

    @Test
    void anOpeningCircuitCutsRetriesShort() {
        server.on("/broken.png", status(500));
        ImageSources sources = new ImageSources(retry(3),
                List.of(http(new SourceSettings.BreakerSettings(50, 4, 4, Duration.ofMinutes(1)))));
        FetchResult first = sources.fetch(server.uri("/broken.png").toString());
        FetchResult second = sources.fetch(server.uri("/broken.png").toString());
        assertThat(first.attempts()).isEqualTo(3);
        assertThat(second).isEqualTo(new FetchResult.Failed("circuit open for host 127.0.0.1: too many of its"
                + " recent fetches failed; fetches from it fail at once for 60000 ms (after 2 attempts)", 2));
        assertThat(server.requests("/broken.png")).isEqualTo(4);
    }

    @Test
    void belowTheMinimumNumberOfCallsTheCircuitStaysClosed() {
        server.on("/broken.png", status(500));
        HttpSource http = http(new SourceSettings.BreakerSettings(50, 10, 5, Duration.ofMinutes(1)));
        ImageSources sources = new ImageSources(retry(1), List.of(http));
        for (int i = 0; i < 4; i++) {
            sources.fetch(server.uri("/broken.png").toString());
        }
        assertThat(http.circuitState("127.0.0.1")).contains(CircuitBreaker.State.CLOSED);
        assertThat(server.requests("/broken.png")).isEqualTo(4);
    }

    @Test
    void permanentAnswersDoNotTripTheCircuit() {
        server.on("/missing.png", status(404));
        HttpSource http = http(new SourceSettings.BreakerSettings(50, 4, 4, Duration.ofMinutes(1)));
        ImageSources sources = new ImageSources(retry(4), List.of(http));
        for (int i = 0; i < 10; i++) {
            assertThat(((FetchResult.Failed) sources.fetch(server.uri("/missing.png").toString())).reason())
                    .startsWith("HTTP 404");
        }
        assertThat(server.requests("/missing.png")).isEqualTo(10);
        assertThat(http.circuitState("127.0.0.1")).contains(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theCircuitClosesAgainOnceTheHostRecovers() {
        server.on("/recovering.png", failFirst(2, 500, IMAGE));
        HttpSource http = http(new SourceSettings.BreakerSettings(50, 2, 2, Duration.ofMillis(300)));
        ImageSources sources = new ImageSources(retry(1), List.of(http));
        String uri = server.uri("/recovering.png").toString();
        sources.fetch(uri);
        sources.fetch(uri);
        assertThat(((FetchResult.Failed) sources.fetch(uri)).reason()).startsWith("circuit open");
        assertThat(server.requests("/recovering.png")).isEqualTo(2);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> sources.fetch(uri) instanceof FetchResult.Fetched);
        assertThat(sources.fetch(uri)).isInstanceOf(FetchResult.Fetched.class);
        assertThat(http.circuitState("127.0.0.1")).contains(CircuitBreaker.State.CLOSED);
    }

    @Test
    void eachHostHasItsOwnCircuit() throws Exception {
        assumeThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
        assumeThat(InetAddress.getByName("localhost").getHostAddress()).isEqualTo("127.0.0.1");
        server.on("/broken.png", status(500)).on("/img.png", body(IMAGE));
        HttpSource http = new HttpSource(new SourceSettings.HttpSettings(Set.of("127.0.0.1", "localhost"),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 1 << 20,
                new SourceSettings.BreakerSettings(50, 2, 2, Duration.ofMinutes(1))));
        ImageSources sources = new ImageSources(retry(1), List.of(http));
        sources.fetch(server.uri("/broken.png").toString());
        sources.fetch(server.uri("/broken.png").toString());
        assertThat(http.circuitState("127.0.0.1")).contains(CircuitBreaker.State.OPEN);
        FetchResult other = sources.fetch("http://localhost:" + server.port() + "/img.png");
        assertThat(other).isInstanceOf(FetchResult.Fetched.class);
        assertThat(server.requests("/img.png")).isEqualTo(1);
    }

    @Test
    void anUnknownSchemeOrABadUriFailsWithoutAnAttemptRepeated() {
        ImageSources sources = new ImageSources(retry(4), List.of(http(NEVER_TRIPS), new FileSource(List.of())));
        assertThat(sources.fetch("ftp://example.org/a.png")).isEqualTo(new FetchResult.Failed(
                "unsupported source scheme 'ftp' in ftp://example.org/a.png (supported: file, http, https)", 1));
        assertThat(sources.fetch("relative/a.png")).isEqualTo(new FetchResult.Failed(
                "not an absolute URI (no scheme): relative/a.png", 1));
        assertThat(sources.fetch("file:/a b.png")).isInstanceOfSatisfying(FetchResult.Failed.class, failed ->
                assertThat(failed.reason()).startsWith("not a valid URI: file:/a b.png"));
    }

    @Test
    void fileSourcesAreNotRetried(@TempDir Path root) throws Exception {
        ImageSources sources = ImageSources.files(List.of(root));
        Path missing = root.resolve("missing.png");
        assertThat(sources.fetch(missing.toUri().toString())).isEqualTo(new FetchResult.Failed("file not found: " + missing, 1));
        Files.write(root.resolve("a.png"), IMAGE);
        assertThat(sources.fetch(root.resolve("a.png").toUri().toString()))
                .isEqualTo(new FetchResult.Fetched(new ImageContent.LocalFile(root.resolve("a.png").toRealPath()), 1));
    }

    @Test
    void configuredFromSettings() {
        MosaicConfig config = MosaicConfig.defaults()
                .with(SourceSettings.HTTP_ALLOWED_HOSTS, "127.0.0.1, Images.Example.org")
                .with(SourceSettings.RETRY_MAX_ATTEMPTS, "3")
                .with(SourceSettings.RETRY_INITIAL_BACKOFF_MS, "10")
                .with(SourceSettings.RETRY_MAX_BACKOFF_MS, "20");
        SourceSettings settings = SourceSettings.from(config);
        assertThat(settings.http().allowedHosts()).containsExactlyInAnyOrder("127.0.0.1", "images.example.org");
        assertThat(settings.retry()).isEqualTo(new SourceSettings.RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(20)));
        assertThat(settings.http().breaker()).isEqualTo(SourceSettings.BreakerSettings.defaults());

        server.on("/broken.png", status(502));
        FetchResult result = ImageSources.from(config).fetch(server.uri("/broken.png").toString());
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(server.requests("/broken.png")).isEqualTo(3);
    }

    @Test
    void defaultsKeepHttpOff() {
        SourceSettings settings = SourceSettings.from(MosaicConfig.defaults());
        assertThat(settings.http().allowedHosts()).isEmpty();
        assertThat(settings.retry().maxAttempts()).isEqualTo(4);
        server.on("/img.png", body(IMAGE));
        FetchResult result = ImageSources.from(MosaicConfig.defaults()).fetch(server.uri("/img.png").toString());
        assertThat(result).isInstanceOfSatisfying(FetchResult.Failed.class, failed ->
                assertThat(failed.reason()).startsWith("http sources are off"));
        assertThat(server.requests()).isZero();
    }

    private static SourceSettings.RetrySettings retry(int maxAttempts) {
        return new SourceSettings.RetrySettings(maxAttempts, BACKOFF, BACKOFF.multipliedBy(4));
    }

    /** Generous timeouts: the first exchange in a fresh JVM loads the whole HTTP client. */
    private static HttpSource http(SourceSettings.BreakerSettings breaker) {
        return new HttpSource(new SourceSettings.HttpSettings(Set.of("127.0.0.1"), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 1 << 20, breaker));
    }

    private ImageSources sources(int maxAttempts, SourceSettings.BreakerSettings breaker) {
        return new ImageSources(retry(maxAttempts), List.of(http(breaker)));
    }
}
