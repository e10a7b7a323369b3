package io.mosaic.consumers.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryDecisionTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                // transient: the network or the server may answer differently a moment later (HTTP statuses below)
                Arguments.of("I/O error", new IOException("connection reset"), true),
                Arguments.of("refused connection", new ConnectException(), true),
                Arguments.of("end of stream", new EOFException(), true),
                Arguments.of("socket read timeout", new SocketTimeoutException(), true),
                Arguments.of("request timeout", new HttpTimeoutException("timed out"), true),
                Arguments.of("connect timeout", new HttpConnectTimeoutException("connect timed out"), true),
                Arguments.of("name lookup failed", new UnknownHostException("images.example"), true),
                Arguments.of("timeout", new TimeoutException(), true),
                // permanent: the same request would get the same answer (HTTP statuses below)
                Arguments.of("host not allowed", new SourceException("host not allowed: x"), false),
                Arguments.of("outside the roots", new SourceException("path outside the allowed roots: /etc"), false),
                Arguments.of("file not found", new SourceException("file not found: /a.png"), false),
                Arguments.of("body too large", new SourceException("download over the limit of 10 bytes"), false),
                Arguments.of("circuit open", new SourceException("circuit open for host x"), false),
                Arguments.of("TLS handshake", new SSLHandshakeException("PKIX path building failed"), false),
                Arguments.of("programming error", new IllegalStateException("bug"), false),
                Arguments.of("null pointer", new NullPointerException(), false));
    }

    @ParameterizedTest(name = "{0} -> retry {2}")
    @MethodSource("errors")
    void decidesFromTheErrorAlone(String name, Throwable error, boolean retry) {
        assertThat(RetryDecision.shouldRetry(error)).isEqualTo(retry);
    }

    /** 5xx, 429 too many requests and 408 request timeout may be answered differently a moment later. */
    @ParameterizedTest(name = "HTTP {0} is retried")
    @ValueSource(ints = {500, 502, 503, 504, 429, 408})
    void transientHttpAnswersAreRetried(int status) {
        assertThat(RetryDecision.shouldRetry(new SourceException("HTTP " + status, status))).isTrue();
    }

    /** The same request would get the same answer; a 3xx here is a redirect left over. */
    @ParameterizedTest(name = "HTTP {0} is not retried")
    @ValueSource(ints = {404, 403, 401, 400, 410, 304})
    void permanentHttpAnswersAreNot(int status) {
        assertThat(RetryDecision.shouldRetry(new SourceException("HTTP " + status, status))).isFalse();
    }
}
