package io.mosaic.platform.kafka;

import io.mosaic.platform.lifecycle.Lifecycle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
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
 * A real Apache Kafka cluster in KRaft mode, running inside this JVM: one dedicated controller
 * and one or three brokers, all listening on 127.0.0.1 only, on ports chosen at start.
 *
 * <p>The controller runs alone ({@code process.roles=controller}) rather than combined with a
 * broker: a combined node shuts down slowly while its peers are still up, and a separate
 * controller lets every broker finish its controlled shutdown against a live quorum.
 *
 * <p>Replication follows the cluster size: with three brokers every topic, including the
 * consumer-offsets and transaction-state topics, defaults to three replicas and
 * {@code min.insync.replicas=2}; with one broker, to one replica. Topics are never created
 * implicitly; create them with the Admin client. A topic created without an explicit
 * replication factor gets the cluster's.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).build()) {
 *     kafka.start();
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaCluster implements Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    private static final String HOST = KafkaNodeConfig.HOST;
    private static final int CONTROLLER_NODE_ID = KafkaNodeConfig.CONTROLLER_NODE_ID;
    private static final int FIRST_BROKER_ID = 1;
    private static final Duration STARTUP_TIMEOUT = KafkaNodeConfig.STARTUP_TIMEOUT;
    private static final Duration CLUSTER_VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    private enum State { NEW, STARTED, STOPPED }

    private final int brokerCount;
    private final Path configuredBaseDirectory;
    private final Map<String, String> extraProperties;

    private State state = State.NEW;
    private Path baseDirectory;
    private boolean ownsBaseDirectory;
    private String clusterId;
    private volatile String bootstrapServers;
    private final boolean childProcesses;
    private final String childHeap;
    private KafkaNode controller;
    private final List<KafkaNode> brokers = new ArrayList<>();

    private EmbeddedKafkaCluster(Builder builder) {
        this.brokerCount = builder.brokerCount;
        this.configuredBaseDirectory = builder.baseDirectory;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.childProcesses = builder.childProcesses;
        this.childHeap = builder.childHeap;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return (childProcesses ? "kafka-processes(" : "embedded-kafka(") + brokerCount + (brokerCount == 1 ? " broker)" : " brokers)");
    }

    @Override
    public void validate() {
        if (brokerCount != 1 && brokerCount != 3) {
            throw new IllegalArgumentException(
                    "an embedded Kafka cluster has 1 or 3 brokers, not " + brokerCount);
        }
        List<String> reserved = extraProperties.keySet().stream()
                .filter(KafkaNodeConfig.RESERVED_PROPERTIES::contains)
                .sorted()
                .toList();
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException(
                    "the embedded Kafka cluster sets " + reserved + " itself; remove them from the broker properties");
        }
    }

    /**
     * Formats storage, starts the controller and the brokers, and returns once every broker is
     * unfenced and visible to an Admin client.
     */
    @Override
    public synchronized void start() throws Exception {
        if (state != State.NEW) {
            throw new IllegalStateException(name() + " was already " + state.name().toLowerCase()
                    + "; build a new one to start again");
        }
        validate();
        state = State.STARTED;
        try {
            prepareBaseDirectory();
            List<Integer> ports = KafkaNodes.freePorts(brokerCount + 1);
            int controllerPort = ports.get(0);
            List<Integer> brokerPorts = ports.subList(1, ports.size());
            String voters = CONTROLLER_NODE_ID + "@" + HOST + ":" + controllerPort;

            Path controllerDir = baseDirectory.resolve("controller");
            clusterId = KafkaNodeConfig.existingClusterId(controllerDir).orElseGet(() -> Uuid.randomUuid().toString());

            KafkaNodeConfig nodes = new KafkaNodeConfig(brokerCount, extraProperties, voters);
            nodes.format(CONTROLLER_NODE_ID, controllerDir, clusterId);
            controller = node(CONTROLLER_NODE_ID, nodes.controller(controllerDir, controllerPort), controllerDir);
            controller.start();

            for (int i = 0; i < brokerCount; i++) {
                int nodeId = FIRST_BROKER_ID + i;
                Path brokerDir = baseDirectory.resolve("broker-" + nodeId);
                Map<String, Object> brokerProps = nodes.broker(nodeId, brokerDir, brokerPorts.get(i));
                nodes.format(nodeId, brokerDir, clusterId);
                brokers.add(node(nodeId, brokerProps, brokerDir));
            }
            KafkaNodes.startAll(brokers, STARTUP_TIMEOUT);

            bootstrapServers = brokerPorts.stream()
                    .map(port -> HOST + ":" + port)
                    .collect(Collectors.joining(","));
            awaitAllBrokersVisible();
            log.info("Embedded Kafka cluster {} is up: {} broker(s) at {}, data in {}",
                    clusterId, brokerCount, bootstrapServers, baseDirectory);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /**
     * Shuts down the brokers, then the controller, and deletes the data directory if this cluster
     * created it. Brokers go first so each finishes its controlled shutdown against a live quorum.
     */
    @Override
    public synchronized void stop() {
        if (state == State.STOPPED) {
            return;
        }
        boolean wasStarted = state == State.STARTED;
        state = State.STOPPED;
        bootstrapServers = null;
        if (!wasStarted) {
            return;
        }
        KafkaNodes.shutDownAll(brokers, "broker");
        brokers.clear();
        if (controller != null) {
            KafkaNodes.shutDownAll(List.of(controller), "controller");
            controller = null;
        }
        if (ownsBaseDirectory && baseDirectory != null) {
            try {
                Utils.delete(baseDirectory.toFile());
            } catch (IOException e) {
                log.warn("Could not delete the embedded Kafka directory {}: {}", baseDirectory, e.toString());
            }
        }
    }

    /** {@code host:port} of every broker, comma-separated, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        String servers = bootstrapServers;
        if (servers == null) {
            throw new IllegalStateException(name() + " is not running");
        }
        return servers;
    }

    public int brokerCount() {
        return brokerCount;
    }

    /** Node ids of the brokers, 1 to {@link #brokerCount()}. */
    public List<Integer> brokerIds() {
        return brokers.stream().map(KafkaNode::nodeId).toList();
    }

    /** Whether each node runs in a JVM of its own (see {@link Builder#childProcesses(boolean)}). */
    public boolean runsInChildProcesses() {
        return childProcesses;
    }

    /**
     * Kills broker {@code nodeId} as a crash would: SIGKILL when brokers run in child processes
     * (no controlled shutdown, no flush), a plain shutdown in this JVM.
     */
    public synchronized void killBroker(int nodeId) {
        broker(nodeId).kill();
    }

    /** Stops broker {@code nodeId} with a controlled shutdown: its partitions move to the others first. */
    public synchronized void stopBroker(int nodeId) {
        broker(nodeId).stop();
    }

    /** Starts a stopped or killed broker again, on its old port and data directory. */
    public synchronized void restartBroker(int nodeId) throws Exception {
        KafkaNode node = broker(nodeId);
        if (node.isAlive()) {
            throw new IllegalStateException("broker " + nodeId + " is running");
        }
        node.start();
    }

    public synchronized boolean isBrokerAlive(int nodeId) {
        return broker(nodeId).isAlive();
    }

    /** The broker's own process, when brokers run in child processes. */
    public synchronized Optional<ProcessHandle> brokerProcess(int nodeId) {
        return broker(nodeId).process();
    }

    private KafkaNode broker(int nodeId) {
        if (state != State.STARTED) {
            throw new IllegalStateException(name() + " is not running");
        }
        return brokers.stream().filter(b -> b.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + nodeId + "; brokers are " + brokerIds()));
    }

    private KafkaNode node(int nodeId, Map<String, Object> props, Path dir) {
        Map<String, String> text = new HashMap<>();
        props.forEach((key, value) -> text.put(key, String.valueOf(value)));
        // Fails here, in this JVM, on a setting Kafka refuses, instead of in a child's log.
        new KafkaConfig(text, false);
        return childProcesses
                ? new ChildProcessKafkaNode(nodeId, text, dir, childHeap)
                : new InProcessKafkaNode(nodeId, text);
    }

    /**
     * The directory holding every node's data; empty before {@link #start()}. A temporary one no
     * longer exists after {@link #stop()}.
     */
    public synchronized Optional<Path> baseDirectory() {
        return Optional.ofNullable(baseDirectory);
    }

    /** The KRaft cluster id; empty before {@link #start()}. */
    public synchronized Optional<String> clusterId() {
        return Optional.ofNullable(clusterId);
    }

    private void prepareBaseDirectory() throws IOException {
        if (configuredBaseDirectory != null) {
            baseDirectory = Files.createDirectories(configuredBaseDirectory);
            ownsBaseDirectory = false;
        } else {
            baseDirectory = Files.createTempDirectory("mosaic-kafka-");
            ownsBaseDirectory = true;
        }
    }

    private void awaitAllBrokersVisible() throws Exception {
        Duration timeout = childProcesses ? STARTUP_TIMEOUT : CLUSTER_VISIBLE_TIMEOUT;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Collection<Node> nodes = List.of();
            while (System.nanoTime() < deadline) {
                try {
                    nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get();
                } catch (ExecutionException notYet) {
                    // Child processes are still starting: nothing listens yet.
                }
                if (nodes.size() == brokerCount) {
                    return;
                }
                for (KafkaNode broker : brokers) {
                    if (childProcesses && !broker.isAlive()) {
                        throw new IllegalStateException("Kafka broker " + broker.nodeId() + " exited during start-up; see "
                                + baseDirectory.resolve("broker-" + broker.nodeId()).resolve("node.log"));
                    }
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the cluster shows " + nodes.size() + " of " + brokerCount
                    + " brokers after " + timeout);
        }
    }

    /** Builds an {@link EmbeddedKafkaCluster}; by default one broker in a fresh temporary directory. */
    public static final class Builder {
        private int brokerCount = 1;
        private Path baseDirectory;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private boolean childProcesses;
        private String childHeap = "512m";

        private Builder() {
        }

        /**
         * Runs every node in a JVM of its own instead of in this one, so that a broker can be
         * killed with SIGKILL, paused, or restarted while the others keep running. Slower to start.
         */
        public Builder childProcesses(boolean enabled) {
            this.childProcesses = enabled;
            return this;
        }

        /** Maximum heap of each node's JVM with {@link #childProcesses(boolean)}, e.g. "512m". */
        public Builder childHeap(String heap) {
            this.childHeap = Objects.requireNonNull(heap, "heap");
            return this;
        }

        /** 1 or 3. */
        public Builder brokers(int count) {
            this.brokerCount = count;
            return this;
        }

        /**
         * Keeps the cluster's data in {@code directory}, which is left in place on stop; a
         * directory formatted by an earlier run is reused. Without it, a fresh temporary
         * directory is created at start and deleted on stop.
         */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * A server setting for every node, overriding the cluster's own defaults. It goes to the
         * controller too, because topic defaults such as {@code num.partitions} are read there.
         */
        public Builder brokerProperty(String key, Object value) {
            extraProperties.put(Objects.requireNonNull(key, "key"),
                    String.valueOf(Objects.requireNonNull(value, () -> "value of " + key)));
            return this;
        }

        /** Several settings as in {@link #brokerProperty(String, Object)}. */
        public Builder brokerProperties(Map<String, ?> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** Throws {@link IllegalArgumentException} for an unsupported broker count or a reserved setting. */
        public EmbeddedKafkaCluster build() {
            EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(this);
            cluster.validate();
            return cluster;
        }
    }
}
