package io.mosaic.consumers.source;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per endpoint (an http host, an S3 endpoint), as {@link SourceSettings.BreakerSettings}
 * describes: when an endpoint keeps failing transiently, further fetches from it fail at once with
 * "circuit open for ..." instead of adding load to a struggling server and holding analyzer threads
 * in timeouts. Only errors {@link RetryDecision} calls transient count against an endpoint; a 404 is
 * a healthy answer.
 */
final class Breakers {

    /**
     * Trial fetches let through when the open period is over; the circuit closes if their failure rate is
     * under the threshold and opens again otherwise.
     */
    static final int HALF_OPEN_TRIALS = 2;

    private static final Logger log = LoggerFactory.getLogger(Breakers.class);

    /** One attempt at a fetch. */
    @FunctionalInterface
    interface Fetch {
        ImageContent get() throws SourceException, IOException;
    }

    private final String kind;
    private final SourceSettings.BreakerSettings settings;
    private final CircuitBreakerConfig config;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    /** {@code kind} names an endpoint in messages: "host", "S3 endpoint". */
    Breakers(String kind, SourceSettings.BreakerSettings settings) {
        this.kind = kind;
        this.settings = settings;
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowCalls())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.open())
                .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_TRIALS)
                .recordException(RetryDecision::shouldRetry)
                .build();
    }

    /** {@code fetch} through the circuit of {@code endpoint}; an open circuit is a {@link SourceException}. */
    ImageContent call(String endpoint, Fetch fetch) throws SourceException, IOException {
        CircuitBreaker breaker = breakers.computeIfAbsent(endpoint.toLowerCase(Locale.ROOT), this::newBreaker);
        try {
            return breaker.executeCheckedSupplier(fetch::get);
        } catch (CallNotPermittedException e) {
            throw new SourceException("circuit open for " + kind + " " + endpoint + ": too many of its recent fetches failed;"
                    + " fetches from it fail at once for " + settings.open().toMillis() + " ms");
        } catch (SourceException | IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // fetch throws nothing else; the breaker's signature just says Throwable.
            throw new IllegalStateException("unexpected error fetching from " + endpoint, e);
        }
    }

    /** The circuit state of {@code endpoint}, if anything was fetched from it yet. */
    Optional<CircuitBreaker.State> state(String endpoint) {
        return Optional.ofNullable(breakers.get(endpoint.toLowerCase(Locale.ROOT))).map(CircuitBreaker::getState);
    }

    private CircuitBreaker newBreaker(String endpoint) {
        CircuitBreaker breaker = CircuitBreaker.of("source-" + endpoint, config);
        breaker.getEventPublisher().onStateTransition(event ->
                log.warn("circuit for {} {}: {}", kind, endpoint, event.getStateTransition()));
        return breaker;
    }
}
