package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterSizeTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void oneAndThreeBrokersAreTheSizes(int brokers) {
        assertThat(ClusterSize.require(brokers, "brokers")).isEqualTo(brokers);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 2, 4, 5})
    void anyOtherCountIsRefusedNamingTheSetting(int brokers) {
        assertThatThrownBy(() -> ClusterSize.require(brokers, "--brokers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--brokers must be 1 or 3, got " + brokers);
    }
}
