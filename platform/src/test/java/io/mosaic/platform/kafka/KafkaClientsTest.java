package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    @Test
    void groupNamesStartWithTheGroupPrefix() {
        assertThat(KafkaClients.groupId(MosaicConfig.defaults(), "analyzers")).isEqualTo("mosaic-analyzers");
        MosaicConfig staging = MosaicConfig.builder().set(KafkaSettings.GROUP_PREFIX, "staging.mosaic").build();
        assertThat(KafkaClients.groupId(staging, "aggregator")).isEqualTo("staging.mosaic-aggregator");
    }

    @Test
    void aPrefixKafkaWouldRejectIsRefusedByName() {
        MosaicConfig bad = MosaicConfig.builder().set(KafkaSettings.GROUP_PREFIX, "my group").build();
        assertThatThrownBy(() -> KafkaClients.groupId(bad, "analyzers")).hasMessageContaining("group.prefix");
    }
}
