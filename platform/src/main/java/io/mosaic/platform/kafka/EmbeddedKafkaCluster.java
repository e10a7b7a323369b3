package io.mosaic.platform.kafka;

import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.net.IsolatedNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
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
 * <p>{@link Builder#isolated(boolean) Isolated}, every node runs in a network namespace of its
 * own ({@link IsolatedNetwork}) at its own address, so that the network between any two of them
 * can be cut: brokers listen on port {@value #ISOLATED_BROKER_PORT} of their address, the
 * controller on {@value #ISOLATED_CONTROLLER_PORT}, and this JVM reaches them through the bridge.
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

    private static final int CONTROLLER_NODE_ID = KafkaNodeConfig.CONTROLLER_NODE_ID;
    private static final int FIRST_BROKER_ID = 1;
    private static final Duration STARTUP_TIMEOUT = KafkaNodeConfig.STARTUP_TIMEOUT;
    private static final Duration CLUSTER_VISIBLE_TIMEOUT = Duration.ofSeconds(30);
    /** Each isolated node has an address of its own, so all take the usual ports. */
    public static final int ISOLATED_BROKER_PORT = 9092;
    public static final int ISOLATED_CONTROLLER_PORT = 9093;

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
    private final boolean isolated;
    private final IsolatedNetwork sharedNetwork;
    private NodeNetwork addresses;
    private KafkaNode controller;
    private final List<KafkaNode> brokers = new ArrayList<>();

    private EmbeddedKafkaCluster(Builder builder) {
        this.brokerCount = builder.brokerCount;
        this.configuredBaseDirectory = builder.baseDirectory;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.childProcesses = builder.childProcesses;
        this.childHeap = builder.childHeap;
        this.isolated = builder.isolated;
        this.sharedNetwork = builder.network;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return (isolated ? "kafka-isolated(" : childProcesses ? "kafka-processes(" : "embedded-kafka(") + brokerCount + (brokerCount == 1 ? " broker)" : " brokers)");
    }

    @Override
    public void validate() {
        KafkaNodeConfig.refuseReserved(extraProperties);
        if (isolated) {
            IsolatedNetwork.unavailable().ifPresent(reason -> {
                throw new IllegalStateException("cannot isolate the Kafka nodes: " + reason);
            });
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
            addresses = NodeNetwork.of(isolated, sharedNetwork, CONTROLLER_NODE_ID, brokerIds(brokerCount));
            String voters = CONTROLLER_NODE_ID + "@" + hostPort(CONTROLLER_NODE_ID);

            Path controllerDir = baseDirectory.resolve("controller");
            clusterId = KafkaNodeConfig.existingClusterId(controllerDir).orElseGet(() -> Uuid.randomUuid().toString());

            KafkaNodeConfig nodes = new KafkaNodeConfig(brokerCount, extraProperties, voters);
            nodes.format(CONTROLLER_NODE_ID, controllerDir, clusterId);
            controller = node(CONTROLLER_NODE_ID, nodes.controller(controllerDir, addresses.address(CONTROLLER_NODE_ID),
                    addresses.port(CONTROLLER_NODE_ID)), controllerDir);
            controller.start();

            for (int nodeId : brokerIds(brokerCount)) {
                Path brokerDir = baseDirectory.resolve("broker-" + nodeId);
                Map<String, Object> brokerProps = nodes.broker(nodeId, brokerDir, addresses.address(nodeId), addresses.port(nodeId));
                nodes.format(nodeId, brokerDir, clusterId);
                brokers.add(node(nodeId, brokerProps, brokerDir));
            }
            KafkaNodes.startAll(brokers, STARTUP_TIMEOUT);

            bootstrapServers = String.join(",", brokers.stream().map(b -> hostPort(b.nodeId())).toList());
            KafkaNodes.awaitVisible(bootstrapServers, brokers, childProcesses ? STARTUP_TIMEOUT : CLUSTER_VISIBLE_TIMEOUT,
                    id -> baseDirectory.resolve("broker-" + id).resolve("node.log"));
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
        if (addresses != null) {
            addresses.healAll();
        }
        KafkaNodes.shutDownAll(brokers, "broker");
        brokers.clear();
        if (controller != null) {
            KafkaNodes.shutDownAll(List.of(controller), "controller");
            controller = null;
        }
        if (addresses != null) {
            addresses.close();
            addresses = null;
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

    /** The network the nodes live in, when {@link Builder#isolated(boolean) isolated}; empty otherwise or when stopped. */
    public synchronized Optional<IsolatedNetwork> network() {
        return addresses == null ? Optional.empty() : addresses.network();
    }

    /** Broker {@code nodeId}'s host on the isolated network. */
    public synchronized IsolatedNetwork.Host brokerHost(int nodeId) {
        return addresses.host(broker(nodeId).nodeId());
    }

    /** The controller's host on the isolated network. */
    public synchronized IsolatedNetwork.Host controllerHost() {
        return Optional.ofNullable(addresses).orElseThrow(() -> new IllegalStateException(name() + " is not running")).host(CONTROLLER_NODE_ID);
    }

    /** Pauses broker {@code nodeId} (SIGSTOP): alive to the kernel, silent to everyone, as in a long GC pause. */
    public synchronized void pauseBroker(int nodeId) throws Exception {
        broker(nodeId).pause();
    }

    /** Resumes a paused broker (SIGCONT). */
    public synchronized void resumeBroker(int nodeId) throws Exception {
        broker(nodeId).resume();
    }

    private static List<Integer> brokerIds(int count) {
        return java.util.stream.IntStream.range(FIRST_BROKER_ID, FIRST_BROKER_ID + count).boxed().toList();
    }

    private String hostPort(int nodeId) {
        return addresses.address(nodeId) + ":" + addresses.port(nodeId);
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
                ? new ChildProcessKafkaNode(nodeId, text, dir, childHeap, addresses.launcher(nodeId))
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

    /** Builds an {@link EmbeddedKafkaCluster}; by default one broker in a fresh temporary directory. */
    public static final class Builder {
        private int brokerCount = 1;
        private Path baseDirectory;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private boolean childProcesses;
        private String childHeap = "512m";
        private boolean isolated;
        private IsolatedNetwork network;

        private Builder() {
        }

        /**
         * As {@link #isolated(boolean) isolated}, with the nodes' hosts added to {@code network}, which
         * the caller owns and closes: its other hosts (clients, services) can then be cut off from them.
         */
        public Builder isolatedIn(IsolatedNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
            return isolated(true);
        }

        /**
         * Runs every node in a JVM of its own in a network namespace of its own, so that the network
         * between nodes, and between a node and its clients, can be cut ({@link #network()}). Needs
         * root, iproute2 and nftables; {@link IsolatedNetwork#unavailable()} says why not.
         */
        public Builder isolated(boolean enabled) {
            this.isolated = enabled;
            this.childProcesses |= enabled;
            return this;
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

        /** 1 or 3 ({@link ClusterSize}). */
        public Builder brokers(int count) {
            this.brokerCount = ClusterSize.require(count, "brokers");
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

        /** Throws {@link IllegalArgumentException} for a reserved setting. */
        public EmbeddedKafkaCluster build() {
            EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(this);
            cluster.validate();
            return cluster;
        }
    }
}
