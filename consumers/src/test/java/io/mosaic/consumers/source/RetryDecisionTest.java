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

class RetryDecisionTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                // transient: the network or the server may answer differently a moment later
                Arguments.of("I/O error", new IOException("connection reset"), true),
                Arguments.of("refused connection", new ConnectException(), true),
                Arguments.of("end of stream", new EOFException(), true),
                Arguments.of("socket read timeout", new SocketTimeoutException(), true),
                Arguments.of("request timeout", new HttpTimeoutException("timed out"), true),
                Arguments.of("connect timeout", new HttpConnectTimeoutException("connect timed out"), true),
                Arguments.of("name lookup failed", new UnknownHostException("images.example"), true),
                Arguments.of("timeout", new TimeoutException(), true),
                Arguments.of("HTTP 500", new SourceException("HTTP 500", 500), true),
                Arguments.of("HTTP 502", new SourceException("HTTP 502", 502), true),
                Arguments.of("HTTP 503", new SourceException("HTTP 503", 503), true),
                Arguments.of("HTTP 504", new SourceException("HTTP 504", 504), true),
                Arguments.of("HTTP 429 too many requests", new SourceException("HTTP 429", 429), true),
                Arguments.of("HTTP 408 request timeout", new SourceException("HTTP 408", 408), true),
                // permanent: the same request would get the same answer
                Arguments.of("HTTP 404", new SourceException("HTTP 404", 404), false),
                Arguments.of("HTTP 403", new SourceException("HTTP 403", 403), false),
                Arguments.of("HTTP 401", new SourceException("HTTP 401", 401), false),
                Arguments.of("HTTP 400", new SourceException("HTTP 400", 400), false),
                Arguments.of("HTTP 410", new SourceException("HTTP 410", 410), false),
                Arguments.of("HTTP 3xx left over", new SourceException("HTTP 304", 304), false),
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
}
