package io.mosaic.consumers.source;

import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.s3.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything that shapes how images are fetched, read from the {@code source.*} settings (and
 * {@code analysis.max.bytes}, which also caps a download).
 *
 * @param allowedRoots directories {@code file:} sources must lie under; empty allows none
 * @param http where and how {@code http:}/{@code https:} sources are fetched
 * @param retry how transient errors are retried
 * @param s3 where and how {@code s3:} sources are read (platform's {@code source.s3.*} settings)
 */
public record SourceSettings(List<Path> allowedRoots, HttpSettings http, RetrySettings retry, S3Settings s3) {

    /** Platform's ({@link SourceRoots#HTTP_ALLOWED_HOSTS}), as the jobs API checks a URL list's hosts too. */
    public static final Setting<String> HTTP_ALLOWED_HOSTS = SourceRoots.HTTP_ALLOWED_HOSTS;
    public static final Setting<Integer> HTTP_CONNECT_TIMEOUT_MS = positive("source.http.connect.timeout.ms", 3000,
            "longest wait to open a connection to an http source, in milliseconds");
    public static final Setting<Integer> HTTP_REQUEST_TIMEOUT_MS = positive("source.http.request.timeout.ms", 15000,
            "longest wait for one whole download (redirects, headers and body), in milliseconds");
    public static final Setting<Integer> RETRY_MAX_ATTEMPTS = positive("source.retry.max.attempts", 4,
            "attempts to fetch an image, the first included, when errors are transient (I/O, timeout, HTTP 5xx or 429); 1 turns retries off");
    public static final Setting<Integer> RETRY_INITIAL_BACKOFF_MS = positive("source.retry.initial.backoff.ms", 500,
            "nominal wait before the first retry, in milliseconds; doubled for each further retry up to source.retry.max.backoff.ms,"
                    + " each wait then less a random share of up to half (jitter)");
    public static final Setting<Integer> RETRY_MAX_BACKOFF_MS = positive("source.retry.max.backoff.ms", 8000,
            "longest wait between two attempts, in milliseconds");
    public static final Setting<Integer> BREAKER_FAILURE_RATE_PERCENT = Setting.integer("source.breaker.failure.rate.percent", 50, 1, 100,
            "share of a host's recent fetches that failed transiently, in percent, at which its circuit opens");
    public static final Setting<Integer> BREAKER_WINDOW_CALLS = positive("source.breaker.window.calls", 20,
            "how many of a host's most recent fetches the failure rate is measured over");
    public static final Setting<Integer> BREAKER_MINIMUM_CALLS = positive("source.breaker.minimum.calls", 10,
            "fetches from a host before its failure rate can open the circuit");
    public static final Setting<Integer> BREAKER_OPEN_MS = positive("source.breaker.open.ms", 30000,
            "how long an open circuit fails fetches from its host fast, in milliseconds, before a few trial fetches may close it");

    /**
     * Every source setting of the workers' own; {@code source.file.allowed.roots}, {@code source.http.allowed.hosts}
     * and {@code source.s3.*} are platform's, as the jobs API checks them too.
     */
    public static final List<Setting<?>> SETTINGS = List.of(HTTP_CONNECT_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
            RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, BREAKER_FAILURE_RATE_PERCENT, BREAKER_WINDOW_CALLS,
            BREAKER_MINIMUM_CALLS, BREAKER_OPEN_MS);

    public SourceSettings {
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(s3, "s3");
    }

    /** A copy with other allowed roots for {@code file:} sources. */
    public SourceSettings withAllowedRoots(List<Path> roots) {
        return new SourceSettings(roots, http, retry, s3);
    }

    /** A copy with other s3 settings. */
    public SourceSettings withS3(S3Settings other) {
        return new SourceSettings(allowedRoots, http, retry, other);
    }

    /** The settings in {@code config}; a bad value is an {@link IllegalArgumentException} naming its key. */
    public static SourceSettings from(MosaicConfig config) {
        List<Path> roots = SourceRoots.from(config);
        BreakerSettings breaker = new BreakerSettings(config.get(BREAKER_FAILURE_RATE_PERCENT), config.get(BREAKER_WINDOW_CALLS),
                config.get(BREAKER_MINIMUM_CALLS), Duration.ofMillis(config.get(BREAKER_OPEN_MS)));
        HttpSettings http = new HttpSettings(
                SourceRoots.allowedHosts(config),
                Duration.ofMillis(config.get(HTTP_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(config.get(HTTP_REQUEST_TIMEOUT_MS)),
                config.get(WorkerSettings.MAX_BYTES),
                breaker);
        RetrySettings retry = new RetrySettings(config.get(RETRY_MAX_ATTEMPTS),
                Duration.ofMillis(config.get(RETRY_INITIAL_BACKOFF_MS)), Duration.ofMillis(config.get(RETRY_MAX_BACKOFF_MS)));
        return new SourceSettings(roots, http, retry, S3Settings.from(config));
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

    private static Setting<Integer> positive(String key, int defaultValue, String description) {
        return Setting.integer(key, defaultValue, 1, Integer.MAX_VALUE, description);
    }

    private static void requirePositive(Duration duration, String key) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + duration);
        }
    }
}
