package io.mosaic.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicSettingsTest {

    @ParameterizedTest(name = "{0} brokers: factor {1}, min.insync.replicas {2}")
    @CsvSource(textBlock = """
            1, 1, 1
            2, 1, 1
            3, 3, 2
            5, 3, 2
            """)
    void replicationFitsTheClusterSoThatOneBrokerOfThreeMayBeDown(int brokers, int factor, int minInsync) {
        assertThat(TopicSettings.replicationFactorFor(brokers)).isEqualTo(factor);
        assertThat(TopicSettings.minInsyncReplicasFor(brokers)).isEqualTo(minInsync);
    }
}
