package io.mosaic.consumers.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final SourceSettings.RetrySettings SETTINGS =
            new SourceSettings.RetrySettings(10, Duration.ofMillis(100), Duration.ofMillis(1000));

    @ParameterizedTest(name = "retry {0}: nominal {1} ms")
    @CsvSource({
            "1, 100",
            "2, 200",
            "3, 400",
            "4, 800",
            // capped at the maximum backoff from here on
            "5, 1000",
            "8, 1000"})
    void doublesEachTimeUpToTheCapLessUpToHalfAtRandom(int retry, long nominalMs) {
        IntervalFunction backoff = ImageSources.backoff(SETTINGS);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long wait = backoff.apply(retry);
            assertThat(wait).isBetween(nominalMs / 2, nominalMs);
            seen.add(wait);
        }
        // Jitter, even at the cap: workers that failed together do not all come back at the same moment.
        assertThat(seen).hasSizeGreaterThan(20);
    }
}
