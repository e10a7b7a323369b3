package io.mosaic.app.chaos;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * {@code mosaic chaos --unsafe}: the pipeline with its protections off, so that the checker must
 * find what they prevent. Workers publish results with acks=1 and commit offsets after them,
 * without transactions; the aggregator folds at least once, without de-duplication; the tasks and
 * results topics allow an unclean leader election. A cut-off leader then acknowledges results
 * alone and drops them when it rejoins (lost), and every retried or reprocessed batch is counted
 * again (duplicated).
 */
final class Unsafe {

    static final String DESCRIPTION = "UNSAFE: workers acks=1 without transactions, aggregator at least once without de-duplication,"
            + " unclean leader election";
    /** The hidden flag of {@code mosaic worker} and {@code mosaic aggregator} that turns their protections off. */
    static final String SERVICE_FLAG = "--unsafe-at-least-once";

    private Unsafe() {
    }

    /** Allows an unclean leader election on the topics the workers read and write. */
    static void weakenTopics(MosaicConfig config, Topics topics) throws Exception {
        AlterConfigOp unclean = new AlterConfigOp(new ConfigEntry(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true"),
                AlterConfigOp.OpType.SET);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = List.of(topics.imageTasks().name(), topics.imageResults().name()).stream()
                .collect(Collectors.toMap(name -> new ConfigResource(ConfigResource.Type.TOPIC, name), name -> (Collection<AlterConfigOp>) List.of(unclean)));
        try (Admin admin = Admin.create(KafkaClients.base(config, "chaos-unsafe"))) {
            admin.incrementalAlterConfigs(changes).all().get(60, TimeUnit.SECONDS);
        }
    }
}
