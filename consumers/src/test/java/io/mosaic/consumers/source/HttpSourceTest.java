package io.mosaic.consumers.source;

import static io.mosaic.consumers.source.TestHttpServer.body;
import static io.mosaic.consumers.source.TestHttpServer.chunked;
import static io.mosaic.consumers.source.TestHttpServer.png;
import static io.mosaic.consumers.source.TestHttpServer.redirect;
import static io.mosaic.consumers.source.TestHttpServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One attempt at a time: what HttpSource allows, how it bounds a download, and what it throws. */
class HttpSourceTest extends WithTestHttpServer {

    private static final byte[] IMAGE = png(48, 1);

    @Test
    void downloadsFromAnAllowedHost() throws Exception {
        server.on("/img.png", body(IMAGE));
        ImageContent content = source(Set.of("127.0.0.1"), 1 << 20).fetch(server.uri("/img.png"));
        assertThat(((ImageContent.Downloaded) content).bytes()).isEqualTo(IMAGE);
        assertThat(server.requests("/img.png")).isEqualTo(1);
    }

    @Test
    void offWhenNoHostIsAllowedAndNoRequestIsMade() {
        server.on("/img.png", body(IMAGE));
        assertThatThrownBy(() -> source(Set.of(), 1 << 20).fetch(server.uri("/img.png")))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("http sources are off (source.http.allowed.hosts is empty)");
        assertThat(server.requests()).isZero();
    }

    @Test
    void refusesAHostThatIsNotAllowedWithoutARequest() {
        server.on("/img.png", body(IMAGE));
        assertThatThrownBy(() -> source(Set.of("images.example.org"), 1 << 20).fetch(server.uri("/img.png")))
                .isInstanceOf(SourceException.class)
                .hasMessage("host not allowed: 127.0.0.1 (not in source.http.allowed.hosts)");
        assertThat(server.requests()).isZero();
    }

    @Test
    void anErrorStatusIsReportedWithTheStatus() {
        server.on("/gone.png", status(404));
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 1 << 20).fetch(server.uri("/gone.png")))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.httpStatus()).isEqualTo(404))
                .hasMessage("HTTP 404 from " + server.uri("/gone.png"));
    }

    @Test
    void refusesABodyThatDeclaresMoreThanTheLimit() {
        server.on("/big.png", body(new byte[5000]));
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 4096).fetch(server.uri("/big.png")))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.httpStatus()).isZero())
                .hasMessageContaining("download over the limit of 4096 bytes")
                .hasMessageContaining("declares 5000 bytes");
    }

    @Test
    void stopsReadingABodyWithoutLengthOnceItPassesTheLimit() {
        server.on("/stream.png", chunked(new byte[64 * 1024]));
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 4096).fetch(server.uri("/stream.png")))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("download over the limit of 4096 bytes")
                .hasMessageContaining("is longer than that");
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() throws Exception {
        server.on("/exact.png", chunked(IMAGE));
        ImageContent content = source(Set.of("127.0.0.1"), IMAGE.length).fetch(server.uri("/exact.png"));
        assertThat(((ImageContent.Downloaded) content).bytes()).isEqualTo(IMAGE);
    }

    @Test
    void followsARedirectOnAnAllowedHost() throws Exception {
        server.on("/img.png", body(IMAGE)).on("/moved.png", redirect("/img.png"));
        ImageContent content = source(Set.of("127.0.0.1"), 1 << 20).fetch(server.uri("/moved.png"));
        assertThat(((ImageContent.Downloaded) content).bytes()).isEqualTo(IMAGE);
        assertThat(server.requests("/img.png")).isEqualTo(1);
    }

    @Test
    void doesNotFollowARedirectToAHostThatIsNotAllowed() {
        server.on("/img.png", body(IMAGE))
                .on("/away.png", redirect("http://localhost:" + server.port() + "/img.png"));
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 1 << 20).fetch(server.uri("/away.png")))
                .isInstanceOf(SourceException.class)
                .hasMessage("redirect from " + server.uri("/away.png") + " to host not allowed: localhost"
                        + " (not in source.http.allowed.hosts)");
        assertThat(server.requests("/img.png")).isZero();
    }

    @Test
    void stopsAfterTooManyRedirects() {
        server.on("/loop.png", redirect("/loop.png"));
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 1 << 20).fetch(server.uri("/loop.png")))
                .hasMessageStartingWith("more than " + HttpSource.MAX_REDIRECTS + " redirects");
        assertThat(server.requests("/loop.png")).isEqualTo(HttpSource.MAX_REDIRECTS + 1);
    }

    @Test
    void aSlowServerTimesOut() {
        server.on("/slow.png", server.stalled(Duration.ofSeconds(10), IMAGE));
        HttpSource impatient = new HttpSource(new SourceSettings.HttpSettings(Set.of("127.0.0.1"), Duration.ofSeconds(2),
                Duration.ofMillis(300), 1 << 20, SourceSettings.BreakerSettings.defaults()));
        long started = System.nanoTime();
        assertThatThrownBy(() -> impatient.fetch(server.uri("/slow.png")))
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessage("timed out after 300 ms: " + server.uri("/slow.png"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aClosedPortIsATransientIoError() throws Exception {
        URI closed;
        try (TestHttpServer gone = TestHttpServer.start()) {
            closed = gone.uri("/img.png");
        }
        assertThatThrownBy(() -> source(Set.of("127.0.0.1"), 1 << 20).fetch(closed))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("cannot fetch " + closed)
                .satisfies(e -> assertThat(RetryDecision.shouldRetry(e)).isTrue());
    }

    /** Generous timeouts: the first exchange in a fresh JVM loads the whole HTTP client. */
    private static HttpSource source(Set<String> hosts, long maxBytes) {
        return new HttpSource(new SourceSettings.HttpSettings(hosts, Duration.ofSeconds(5), Duration.ofSeconds(10),
                maxBytes, SourceSettings.BreakerSettings.defaults()));
    }
}
