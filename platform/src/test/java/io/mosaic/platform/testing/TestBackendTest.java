package io.mosaic.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.testing.TestBackend.Kind;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentest4j.TestAbortedException;

class TestBackendTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(TestBackend.PROPERTY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "embedded   | EMBEDDED",
            "containers | CONTAINERS",
            "all        | EMBEDDED CONTAINERS",
            "auto       | EMBEDDED CONTAINERS",
            "Embedded   | EMBEDDED",
    })
    void thePropertyPicksTheBackends(String value, String expected) {
        System.setProperty(TestBackend.PROPERTY, value);

        assertThat(TestBackend.requested()).containsExactlyElementsOf(
                List.of(expected.split(" ")).stream().map(Kind::valueOf).toList());
    }

    @Test
    void withoutThePropertyTheEmbeddedBackendComesFirst() {
        assertThat(TestBackend.requested()).containsExactly(Kind.EMBEDDED, Kind.CONTAINERS);
        assertThat(TestBackend.primary()).isEqualTo(Kind.EMBEDDED);
    }

    @Test
    void anUnknownBackendIsAnError() {
        System.setProperty(TestBackend.PROPERTY, "podman");

        assertThatThrownBy(TestBackend::requested).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("podman").hasMessageContaining("embedded, containers, all or auto");
    }

    @Test
    void withoutDockerTheContainersBackendIsSkippedNotFailed() {
        Assumptions.assumeFalse(TestBackend.dockerAvailable(), "a Docker engine answers here");
        System.setProperty(TestBackend.PROPERTY, "containers");

        assertThatThrownBy(() -> TestBackend.containers(1)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no Docker engine");
        assertThatThrownBy(TestBackend::primary).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void theBrokerImageFollowsTheKafkaClients() {
        assertThat(TestBackend.kafkaClientsVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(TestBackend.KAFKA_IMAGE).isEqualTo("apache/kafka:" + TestBackend.kafkaClientsVersion());
        assertThat(KafkaProducer.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .contains("kafka-clients-" + TestBackend.kafkaClientsVersion());
    }
}
