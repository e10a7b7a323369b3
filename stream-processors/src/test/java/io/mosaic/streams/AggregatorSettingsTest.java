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
        assertThat(settings.nearDuplicateDistance()).isEqualTo(12);
        assertThat(settings.progressInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.deduplicate()).isTrue();
        assertThat(settings.groupChunkBytes()).isEqualTo(256 * 1024);
    }

    @ParameterizedTest
    @CsvSource({"-1, 500, 4096", "65, 500, 4096", "10, 0, 4096", "10, -5, 4096", "10, 500, 63", "10, 500, 0"})
    void refusesNonsense(int distance, long intervalMs, int chunkBytes) {
        assertThatThrownBy(() -> new AggregatorSettings(distance, Duration.ofMillis(intervalMs), true, chunkBytes))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
