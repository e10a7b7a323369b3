package io.mosaic.consumers.source;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.mosaic.platform.config.MosaicConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an image from whichever source serves its URI's scheme, retrying transient errors (as
 * {@link RetryDecision} defines them) with exponential backoff and jitter, a bounded number of times.
 * Never throws for a bad URI or a failing source: the outcome is a {@link FetchResult}.
 *
 * <p>Jitter spreads the retries of many workers that failed together, so a recovering server is not hit
 * by all of them at the same instant. Retries wrap the sources' circuit breakers: each attempt is one
 * call the breaker sees, and once it opens the remaining attempts are not made (an open circuit is not
 * transient).
 *
 * <p>Thread-safe; retries wait on the calling thread.
 */
public final class ImageSources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageSources.class);

    /** Each nominal wait is this many times the previous one, up to the maximum backoff. */
    static final double BACKOFF_MULTIPLIER = 2.0;

    /**
     * Up to this share of a nominal wait is taken off at random. Taking off rather than adding keeps every
     * wait within the maximum backoff, and waits stay spread even once the nominal wait reaches the cap.
     */
    static final double JITTER = 0.5;

    private final Map<String, ImageSource> byScheme;
    private final Retry retry;

    public ImageSources(SourceSettings.RetrySettings retrySettings, List<ImageSource> sources) {
        Map<String, ImageSource> schemes = new LinkedHashMap<>();
        for (ImageSource source : sources) {
            for (String scheme : source.schemes()) {
                if (schemes.putIfAbsent(scheme.toLowerCase(Locale.ROOT), source) != null) {
                    throw new IllegalArgumentException("two sources for scheme " + scheme);
                }
            }
        }
        this.byScheme = Map.copyOf(schemes);
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(retrySettings.maxAttempts())
                .intervalFunction(backoff(retrySettings))
                .retryOnException(RetryDecision::shouldRetry)
                .build();
        this.retry = Retry.of("image-sources", config);
        retry.getEventPublisher().onRetry(event -> log.info("fetch attempt {} failed, retrying in {} ms: {}",
                event.getNumberOfRetryAttempts(), event.getWaitInterval().toMillis(),
                event.getLastThrowable() == null ? "?" : event.getLastThrowable().getMessage()));
    }

    /**
     * The wait in milliseconds before retry {@code n} (1-based): nominally the initial backoff times
     * {@value #BACKOFF_MULTIPLIER} to the power n - 1, capped at the maximum backoff, then less a random
     * share of up to {@value #JITTER} of it.
     */
    static IntervalFunction backoff(SourceSettings.RetrySettings settings) {
        long initial = settings.initialBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        return retry -> {
            double nominal = Math.min(max, initial * Math.pow(BACKOFF_MULTIPLIER, retry - 1));
            return Math.max(1, Math.round(nominal * (1 - JITTER * ThreadLocalRandom.current().nextDouble())));
        };
    }

    /** Closes every source's clients; a later fetch makes them again. */
    @Override
    public void close() {
        byScheme.values().stream().distinct().forEach(ImageSource::close);
    }

    /** File, http(s) and s3 sources as {@code settings} describe them. */
    public static ImageSources of(SourceSettings settings) {
        return new ImageSources(settings.retry(), List.of(new FileSource(settings.allowedRoots()), new HttpSource(settings.http()),
                new S3Source(settings.s3(), settings.http().maxBytes(), settings.http().breaker())));
    }

    /** The sources configured by the {@code source.*} settings of {@code config}. */
    public static ImageSources from(MosaicConfig config) {
        return of(SourceSettings.from(config));
    }

    /** Local files under {@code allowedRoots} (empty: none), with http off. */
    public static ImageSources files(List<Path> allowedRoots) {
        return of(SourceSettings.from(MosaicConfig.defaults()).withAllowedRoots(allowedRoots));
    }

    /** The image at {@code uri}, or why it could not be had. */
    public FetchResult fetch(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return new FetchResult.Failed("not a valid URI: " + uri + " (" + e.getReason() + ")", 1);
        }
        if (parsed.getScheme() == null) {
            return new FetchResult.Failed("not an absolute URI (no scheme): " + uri, 1);
        }
        ImageSource source = byScheme.get(parsed.getScheme().toLowerCase(Locale.ROOT));
        if (source == null) {
            return new FetchResult.Failed("unsupported source scheme '" + parsed.getScheme() + "' in " + uri
                    + " (supported: " + byScheme.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")", 1);
        }
        AtomicInteger attempts = new AtomicInteger();
        try {
            ImageContent content = retry.executeCheckedSupplier(() -> {
                attempts.incrementAndGet();
                return source.fetch(parsed);
            });
            return new FetchResult.Fetched(content, attempts.get());
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return new FetchResult.Failed(reason(e, attempts.get()), Math.max(1, attempts.get()));
        }
    }

    /** The last error, and when the attempts ran out on a transient one, how many were made. */
    static String reason(Throwable last, int attempts) {
        String message = last.getMessage() == null || last.getMessage().isBlank()
                ? last.getClass().getSimpleName() : last.getMessage();
        String times = attempts == 1 ? "1 attempt" : attempts + " attempts";
        if (RetryDecision.shouldRetry(last)) {
            return message + " (gave up after " + times + ")";
        }
        return attempts > 1 ? message + " (after " + times + ")" : message;
    }
}
