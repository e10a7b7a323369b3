package io.mosaic.platform.kafka;

import io.mosaic.schemas.TopicSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.KRaftConfigs;
import org.apache.kafka.raft.MetadataLogConfig;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.apache.kafka.storage.internals.log.CleanerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each node of an {@link EmbeddedKafkaCluster} is told: the shared settings of a small KRaft
 * cluster on loopback or on an isolated network (one controller, one or three brokers), each node's own listener and
 * directory, and the storage formatting that {@code kafka-storage.sh format} would do.
 */
final class KafkaNodeConfig {

    private static final Logger log = LoggerFactory.getLogger(KafkaNodeConfig.class);

    static final String HOST = "127.0.0.1";
    /** Outside the broker id range, so a controller id never collides with a broker id. */
    static final int CONTROLLER_NODE_ID = 1000;
    static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";

    /** Settings that describe the cluster's shape; overriding them would break it. */
    static final Set<String> RESERVED_PROPERTIES = Set.of(
            KRaftConfigs.PROCESS_ROLES_CONFIG,
            KRaftConfigs.NODE_ID_CONFIG,
            KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG,
            QuorumConfig.QUORUM_VOTERS_CONFIG,
            QuorumConfig.QUORUM_BOOTSTRAP_SERVERS_CONFIG,
            SocketServerConfigs.LISTENERS_CONFIG,
            SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG,
            SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
            ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG,
            ServerLogConfigs.LOG_DIRS_CONFIG,
            ServerLogConfigs.LOG_DIR_CONFIG,
            MetadataLogConfig.METADATA_LOG_DIR_CONFIG);


    /** Throws if {@code properties} would override one of {@link #RESERVED_PROPERTIES}. */
    static void refuseReserved(Map<String, String> properties) {
        List<String> reserved = properties.keySet().stream().filter(RESERVED_PROPERTIES::contains).sorted().toList();
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException(
                    "the embedded Kafka cluster sets " + reserved + " itself; remove them from the broker properties");
        }
    }

    private final int brokerCount;
    private final Map<String, String> extraProperties;
    private final String voters;

    /**
     * @param extraProperties the caller's broker settings, applied over the shared ones
     * @param voters the static quorum, {@code id@host:port}
     */
    KafkaNodeConfig(int brokerCount, Map<String, String> extraProperties, String voters) {
        this.brokerCount = brokerCount;
        this.extraProperties = extraProperties;
        this.voters = voters;
    }

    /** A directory kept from an earlier run is reused, so its topics and offsets survive. */
    static Optional<String> existingClusterId(Path controllerDir) throws IOException {
        if (!Files.isDirectory(controllerDir)) {
            return Optional.empty();
        }
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(controllerDir.toString()))
                .load();
        return ensemble.clusterId();
    }

    /** Settings every node shares, then the caller's, which may override them. */
    private Map<String, Object> common() {
        int replicationFactor = TopicSettings.replicationFactorFor(brokerCount);
        int minInsyncReplicas = TopicSettings.minInsyncReplicasFor(brokerCount);
        Map<String, Object> props = new HashMap<>();
        props.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
        // Plain TCP: every listener is bound to loopback, or to a namespace's address on a bridge
        // of this machine's own, so nothing outside this machine reaches it.
        props.put(SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
                CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
        // A static voter set: the single controller is the whole quorum.
        props.put(QuorumConfig.QUORUM_VOTERS_CONFIG, voters);

        // Mosaic creates every topic explicitly with its configured partitions; a misspelt topic
        // name must fail instead of silently creating a one-partition topic.
        props.put(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, false);
        // Three replicas with two in sync survive the loss of one broker without losing an
        // acknowledged write; one broker can hold only one replica.
        props.put(ServerLogConfigs.MIN_IN_SYNC_REPLICAS_CONFIG, minInsyncReplicas);
        // The internal topics follow the cluster size: with the defaults (3 replicas) a single
        // broker could never create them, and consumer groups and transactions (Streams
        // exactly-once included) would wait for them forever.
        props.put(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, minInsyncReplicas);
        // 6 instead of 50 partitions each: far fewer logs to create and load, so the first
        // consumer group and the first transaction are ready sooner; plenty for one machine.
        props.put(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG, 6);
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_PARTITIONS_CONFIG, 6);
        // No wait for more members before the first rebalance: an embedded cluster serves
        // tests and demos whose members all start together.
        props.put(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, 0);
        // 4 MiB instead of 128 MiB per broker for compacting topics: ample for the small
        // compacted topics here, and three brokers share one heap.
        props.put(CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE_PROP, 4L * 1024 * 1024);
        // Give up instead of waiting forever when a node cannot join the quorum.
        props.put(KRaftConfigs.SERVER_MAX_STARTUP_TIME_MS_CONFIG, STARTUP_TIMEOUT.toMillis());

        props.putAll(extraProperties);
        return props;
    }

    /** The controller's settings: the whole quorum, listening on {@code host:port}, with its metadata log in {@code dir}. */
    Map<String, Object> controller(Path dir, String host, int port) {
        Map<String, Object> props = common();
        props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "controller");
        props.put(KRaftConfigs.NODE_ID_CONFIG, CONTROLLER_NODE_ID);
        // Topics created without a replication factor get the cluster's: 3 on three brokers, else
        // 1. Only the controller applies this default; brokers warn that they ignore it.
        props.putIfAbsent(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, TopicSettings.replicationFactorFor(brokerCount));
        props.put(SocketServerConfigs.LISTENERS_CONFIG, CONTROLLER_LISTENER + "://" + host + ":" + port);
        // A controller keeps only the metadata log, in its own directory.
        props.put(ServerLogConfigs.LOG_DIRS_CONFIG, dir.toString());
        return props;
    }

    /** Broker {@code nodeId}'s settings: its listener on {@code host:port}, its partitions in {@code dir}. */
    Map<String, Object> broker(int nodeId, Path dir, String host, int port) {
        Map<String, Object> props = common();
        props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker");
        props.put(KRaftConfigs.NODE_ID_CONFIG, nodeId);
        props.put(SocketServerConfigs.LISTENERS_CONFIG, BROKER_LISTENER + "://" + host + ":" + port);
        // One directory per broker for its partitions and its copy of the metadata log.
        props.put(ServerLogConfigs.LOG_DIRS_CONFIG, dir.toString());
        return props;
    }

    /** What {@code kafka-storage.sh format} does, for one node; a formatted directory is kept. */
    void format(int nodeId, Path dir, String clusterId) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        }
        log.debug("Formatted node {}: {}", nodeId,
                output.toString(StandardCharsets.UTF_8).trim().replace(System.lineSeparator(), " | "));
    }
}
