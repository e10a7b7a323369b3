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

    private static final String HOST = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    /** Outside the broker id range, so a controller id never collides with a broker id. */
    private static final int CONTROLLER_NODE_ID = 1000;
    private static final int FIRST_BROKER_ID = 1;
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CLUSTER_VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    /** Settings that describe the cluster's shape; overriding them would break it. */
    private static final Set<String> RESERVED_PROPERTIES = Set.of(
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
                .filter(RESERVED_PROPERTIES::contains)
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
            List<Integer> ports = freePorts(brokerCount + 1);
            int controllerPort = ports.get(0);
            List<Integer> brokerPorts = ports.subList(1, ports.size());
            String voters = CONTROLLER_NODE_ID + "@" + HOST + ":" + controllerPort;

            Path controllerDir = baseDirectory.resolve("controller");
            clusterId = existingClusterId(controllerDir).orElseGet(() -> Uuid.randomUuid().toString());

            format(CONTROLLER_NODE_ID, controllerDir);
            controller = node(CONTROLLER_NODE_ID, controllerProperties(controllerDir, controllerPort, voters), controllerDir);
            controller.start();

            for (int i = 0; i < brokerCount; i++) {
                int nodeId = FIRST_BROKER_ID + i;
                Path brokerDir = baseDirectory.resolve("broker-" + nodeId);
                Map<String, Object> brokerProps = brokerProperties(nodeId, brokerDir, brokerPorts.get(i), voters);
                format(nodeId, brokerDir);
                brokers.add(node(nodeId, brokerProps, brokerDir));
            }
            startBrokers();

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
        shutDownAll(brokers, "broker");
        brokers.clear();
        if (controller != null) {
            shutDownAll(List.of(controller), "controller");
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

    /** A directory kept from an earlier run is reused, so its topics and offsets survive. */
    private static Optional<String> existingClusterId(Path controllerDir) throws IOException {
        if (!Files.isDirectory(controllerDir)) {
            return Optional.empty();
        }
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(controllerDir.toString()))
                .load();
        return ensemble.clusterId();
    }

    /** Settings every node shares, then the caller's, which may override them. */
    private Map<String, Object> commonProperties(String voters) {
        int replicationFactor = replicationFactor();
        int minInsyncReplicas = brokerCount == 3 ? 2 : 1;
        Map<String, Object> props = new HashMap<>();
        props.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
        // Plain TCP: every listener is bound to loopback, so nothing outside this machine reaches it.
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

    private int replicationFactor() {
        return brokerCount == 3 ? 3 : 1;
    }

    private Map<String, Object> controllerProperties(Path dir, int port, String voters) {
        Map<String, Object> props = commonProperties(voters);
        props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "controller");
        props.put(KRaftConfigs.NODE_ID_CONFIG, CONTROLLER_NODE_ID);
        // Topics created without a replication factor get the cluster's: 3 on three brokers, else
        // 1. Only the controller applies this default; brokers warn that they ignore it.
        props.putIfAbsent(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, replicationFactor());
        props.put(SocketServerConfigs.LISTENERS_CONFIG, CONTROLLER_LISTENER + "://" + HOST + ":" + port);
        // A controller keeps only the metadata log, in its own directory.
        props.put(ServerLogConfigs.LOG_DIRS_CONFIG, dir.toString());
        return props;
    }

    private Map<String, Object> brokerProperties(int nodeId, Path dir, int port, String voters) {
        Map<String, Object> props = commonProperties(voters);
        props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker");
        props.put(KRaftConfigs.NODE_ID_CONFIG, nodeId);
        props.put(SocketServerConfigs.LISTENERS_CONFIG, BROKER_LISTENER + "://" + HOST + ":" + port);
        // One directory per broker for its partitions and its copy of the metadata log.
        props.put(ServerLogConfigs.LOG_DIRS_CONFIG, dir.toString());
        return props;
    }

    /** What {@code kafka-storage.sh format} does, for one node; a formatted directory is kept. */
    private void format(int nodeId, Path dir) throws Exception {
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

    /**
     * Starts the brokers side by side: in this JVM each startup blocks until the controller
     * unfences that broker, which takes a few heartbeats; a child process returns at once.
     */
    private void startBrokers() throws Exception {
        List<CompletableFuture<Void>> startups = new ArrayList<>();
        for (KafkaNode broker : brokers) {
            CompletableFuture<Void> startup = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    broker.start();
                    startup.complete(null);
                } catch (Throwable t) {
                    startup.completeExceptionally(t);
                }
            }, "mosaic-kafka-broker-start-" + broker.nodeId());
            thread.setDaemon(true);
            thread.start();
            startups.add(startup);
        }
        try {
            CompletableFuture.allOf(startups.toArray(CompletableFuture[]::new))
                    .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a Kafka broker failed to start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka brokers did not start within " + STARTUP_TIMEOUT, e);
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

    /** Shuts the nodes down side by side and waits for all of them; logs instead of throwing. */
    private static void shutDownAll(List<KafkaNode> nodes, String role) {
        List<Thread> threads = new ArrayList<>();
        for (KafkaNode node : nodes) {
            Thread thread = new Thread(() -> {
                try {
                    node.stop();
                } catch (Throwable t) {
                    log.warn("Stopping Kafka {} {} failed: {}", role, node.nodeId(), t.toString());
                }
            }, "mosaic-kafka-" + role + "-stop-" + node.nodeId());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    // Finish stopping: returning early would leave brokers running.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ports free on 127.0.0.1 now, all distinct; held open together so none is handed out twice. */
    private static List<Integer> freePorts(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, loopback));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
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
