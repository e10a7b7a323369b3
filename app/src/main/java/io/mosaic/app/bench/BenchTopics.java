package io.mosaic.app.bench;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A benchmark's own set of the pipeline's topics, named {@code <prefix>.<topic>}, on the same
 * cluster and registry: what a benchmark writes there reaches none of the running pipeline's
 * services, and what they do cannot disturb it.
 */
record BenchTopics(MosaicConfig config, Topics topics) {

    /** Creates the topics of {@code config} again under {@code prefix}. */
    static BenchTopics create(MosaicConfig config, String prefix) {
        MosaicConfig renamed = config;
        for (var name : TopicConfig.NAMES) {
            renamed = renamed.with(name, prefix + "." + config.get(name));
        }
        Topics topics = Topics.create(renamed.topicSettings(), new SchemaRegistryClient(renamed.schemaRegistryUrl()));
        TopicAdmin.createTopics(renamed, topics);
        return new BenchTopics(renamed, topics);
    }

    /** A plain topic for a baseline to write to. */
    static void createTopic(MosaicConfig config, String name, int partitions, short replicationFactor) throws Exception {
        try (Admin admin = Admin.create(KafkaClients.base(config, "bench-admin"))) {
            TopicAdmin.createAndAwaitLeaders(admin, new NewTopic(name, partitions, replicationFactor));
        }
    }
}
