package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plain topics created for a benchmark or an experiment are ready to write to when the call returns. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicAdminIT {

    @Test
    void everyPartitionHasALeaderWhenCreateReturnsAndCreatingAgainIsAnError() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1).build()) {
            kafka.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.createAndAwaitLeaders(admin, new NewTopic("plain-a", 12, (short) 1), new NewTopic("plain-b", 3, (short) 1));

                Map<String, TopicDescription> described = admin.describeTopics(List.of("plain-a", "plain-b")).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                assertThat(described.get("plain-a").partitions()).hasSize(12);
                assertThat(described.get("plain-b").partitions()).hasSize(3);
                assertThat(described.values()).flatMap(TopicDescription::partitions).map(TopicPartitionInfo::leader)
                        .allSatisfy(leader -> assertThat(leader).isNotNull().matches(node -> !node.isEmpty()));
                assertThatThrownBy(() -> TopicAdmin.createAndAwaitLeaders(admin, new NewTopic("plain-b", 3, (short) 1)))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicExistsException.class);
            }
        }
    }
}
