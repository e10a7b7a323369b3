package io.mosaic.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregatorSettingsTest {

    @Test
    void defaults() {
        AggregatorSettings settings = AggregatorSettings.defaults();
        assertThat(settings.nearDuplicateDistance()).isEqualTo(10);
        assertThat(settings.progressInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.deduplicate()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"-1, 500", "65, 500", "10, 0", "10, -5"})
    void refusesNonsense(int distance, long intervalMs) {
        assertThatThrownBy(() -> new AggregatorSettings(distance, Duration.ofMillis(intervalMs), true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
