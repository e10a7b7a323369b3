package io.mosaic.consumers.source;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything that shapes how images are fetched, read from the {@code source.*} settings (and
 * {@code analysis.max.bytes}, which also caps a download).
 *
 * @param allowedRoots directories {@code file:} sources must lie under; empty allows any local file
 * @param http where and how {@code http:}/{@code https:} sources are fetched
 * @param retry how transient errors are retried
 */
public record SourceSettings(List<Path> allowedRoots, HttpSettings http, RetrySettings retry) {

    public SourceSettings {
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retry, "retry");
    }

    /** A copy with other allowed roots for {@code file:} sources. */
    public SourceSettings withAllowedRoots(List<Path> roots) {
        return new SourceSettings(roots, http, retry);
    }

    /** The settings in {@code config}; a bad value is an {@link IllegalArgumentException} naming its key. */
    public static SourceSettings from(MosaicConfig config) {
        List<Path> roots = list(config.get(MosaicConfig.FILE_ALLOWED_ROOTS)).stream().map(Path::of).toList();
        BreakerSettings breaker = new BreakerSettings(
                positive(config, MosaicConfig.BREAKER_FAILURE_RATE_PERCENT),
                positive(config, MosaicConfig.BREAKER_WINDOW_CALLS),
                positive(config, MosaicConfig.BREAKER_MINIMUM_CALLS),
                Duration.ofMillis(positive(config, MosaicConfig.BREAKER_OPEN_MS)));
        HttpSettings http = new HttpSettings(
                Set.copyOf(list(config.get(MosaicConfig.HTTP_ALLOWED_HOSTS))),
                Duration.ofMillis(positive(config, MosaicConfig.HTTP_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(positive(config, MosaicConfig.HTTP_REQUEST_TIMEOUT_MS)),
                config.getLong(MosaicConfig.ANALYSIS_MAX_BYTES),
                breaker);
        RetrySettings retry = new RetrySettings(
                positive(config, MosaicConfig.RETRY_MAX_ATTEMPTS),
                Duration.ofMillis(positive(config, MosaicConfig.RETRY_INITIAL_BACKOFF_MS)),
                Duration.ofMillis(positive(config, MosaicConfig.RETRY_MAX_BACKOFF_MS)));
        return new SourceSettings(roots, http, retry);
    }

    /**
     * @param allowedHosts host names (lower-case, any port) that may be fetched from; empty turns http off
     * @param connectTimeout longest wait to open a connection
     * @param requestTimeout longest wait for a whole download, redirects and body included
     * @param maxBytes largest body read; a longer one is refused, not truncated
     * @param breaker when a failing host's circuit opens
     */
    public record HttpSettings(Set<String> allowedHosts, Duration connectTimeout, Duration requestTimeout,
                               long maxBytes, BreakerSettings breaker) {
        public HttpSettings {
            allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
            requirePositive(connectTimeout, "source.http.connect.timeout.ms");
            requirePositive(requestTimeout, "source.http.request.timeout.ms");
            if (maxBytes < 1) {
                throw new IllegalArgumentException("max bytes must be at least 1, got " + maxBytes);
            }
            Objects.requireNonNull(breaker, "breaker");
        }
    }

    /**
     * One circuit per host. It opens when, over the last {@code windowCalls} fetches from the host (and
     * once at least {@code minimumCalls} were made), the share that failed transiently reaches
     * {@code failureRatePercent}. Open, it fails every fetch from the host at once for {@code open}; then
     * a few trial fetches decide whether it closes again or stays open for another period. Permanent
     * answers such as 404 count as successes: the host is answering.
     */
    public record BreakerSettings(int failureRatePercent, int windowCalls, int minimumCalls, Duration open) {
        public BreakerSettings {
            if (failureRatePercent < 1 || failureRatePercent > 100) {
                throw new IllegalArgumentException("source.breaker.failure.rate.percent must be between 1 and 100, got " + failureRatePercent);
            }
            if (windowCalls < 1 || minimumCalls < 1) {
                throw new IllegalArgumentException("source.breaker.window.calls and source.breaker.minimum.calls must be at least 1");
            }
            requirePositive(open, "source.breaker.open.ms");
        }

        /** The defaults of the {@code source.breaker.*} settings. */
        public static BreakerSettings defaults() {
            return new BreakerSettings(50, 20, 10, Duration.ofSeconds(30));
        }
    }

    /**
     * @param maxAttempts attempts in all, the first included; 1 means no retry
     * @param initialBackoff wait before the first retry; doubled for each further retry, with jitter
     * @param maxBackoff longest wait between two attempts
     */
    public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        public RetrySettings {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("source.retry.max.attempts must be at least 1, got " + maxAttempts);
            }
            requirePositive(initialBackoff, "source.retry.initial.backoff.ms");
            requirePositive(maxBackoff, "source.retry.max.backoff.ms");
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("source.retry.max.backoff.ms (" + maxBackoff.toMillis()
                        + ") is less than source.retry.initial.backoff.ms (" + initialBackoff.toMillis() + ")");
            }
        }
    }

    private static List<String> list(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int positive(MosaicConfig config, Setting setting) {
        int value = config.getInt(setting);
        if (value < 1) {
            throw new IllegalArgumentException(setting.key() + " must be at least 1, got " + value);
        }
        return value;
    }

    private static void requirePositive(Duration duration, String key) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + duration);
        }
    }
}
