package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChaosSettingsTest {

    private static ChaosSettings settings(Set<FaultKind> kinds, boolean isolate) {
        return new ChaosSettings(60, 3, 1, false, 2, 1, Duration.ofSeconds(20), false, Duration.ofMinutes(10), kinds, isolate);
    }

    @Test
    void theNodesAreIsolatedWhenAskedOrWhenAKindCutsTheNetwork() {
        Set<FaultKind> processes = Set.of(FaultKind.KILL_WORKER, FaultKind.PAUSE_BROKER);

        assertThat(settings(processes, false).isolated()).isFalse();
        assertThat(settings(processes, true).isolated()).isTrue();
        assertThat(settings(Set.of(FaultKind.KILL_WORKER, FaultKind.SLOW_BROKER), false).isolated()).isTrue();
    }

    @Test
    void badNumbersNameTheirFlag() {
        assertThatThrownBy(() -> new ChaosSettings(0, 3, 1, false, 2, 1, Duration.ofSeconds(20), false, Duration.ofMinutes(10),
                Set.of(FaultKind.KILL_WORKER), false)).hasMessageContaining("--images");
        assertThatThrownBy(() -> settings(Set.of(), false)).hasMessageContaining("--kinds");
    }
}
