package io.mosaic.platform.registry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedSchemaRegistryTest {

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100_000})
    void portOutsideTheValidRangeIsRejected(int port) {
        assertThatThrownBy(() -> new EmbeddedSchemaRegistry(port, Duration.ofSeconds(10)).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(port));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8081, 65535})
    void anyPortInRangeOrZeroIsAccepted(int port) {
        assertThatCode(() -> new EmbeddedSchemaRegistry(port, Duration.ofSeconds(10)).validate()).doesNotThrowAnyException();
    }

    @Test
    void startupTimeoutMustBePositive() {
        assertThatThrownBy(() -> new EmbeddedSchemaRegistry(0, Duration.ZERO).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> new EmbeddedSchemaRegistry(0, Duration.ofSeconds(-1)).validate())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmbeddedSchemaRegistry(0, null).validate())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressIsUnknownUntilStartedAndStopIsHarmlessBeforeStart() {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();

        assertThatThrownBy(registry::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThatThrownBy(registry::processHandle).isInstanceOf(IllegalStateException.class);
        assertThatCode(registry::stop).doesNotThrowAnyException();
        assertThatCode(registry::stop).doesNotThrowAnyException();
    }
}
