package io.mosaic.platform.config;

import java.util.List;

/**
 * Where every service finds Kafka and the schema registry, and what it calls itself there.
 * Settings starting with {@code kafka.} are not declared: they pass through to every Kafka client
 * ({@link MosaicConfig#kafkaOverrides()}).
 */
public final class KafkaSettings {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string("bootstrap.servers", "127.0.0.1:9092",
            "Kafka brokers to connect to");
    public static final Setting<String> SCHEMA_REGISTRY_URL = Setting.string("schema.registry.url", "http://127.0.0.1:8081",
            "Confluent-compatible schema registry");
    public static final Setting<String> INSTANCE_ID = Setting.string("instance.id", null,
            "this process's name in client ids and transactional ids (default: host-pid)");

    public static final Setting<String> GROUP_PREFIX = Setting.string("group.prefix", "mosaic",
            "start of the consumer groups' names (<prefix>-analyzers, <prefix>-reports), the aggregator's Kafka Streams"
                    + " application id (<prefix>-aggregator) and the transactional ids: two deployments sharing one cluster need"
                    + " different ones, and topic.* names of their own");

    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, INSTANCE_ID, GROUP_PREFIX);

    private KafkaSettings() {
    }
}
