package io.mosaic.platform.testing;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.ClusterSize;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Where an integration test's Kafka cluster and schema registry come from: the embedded cluster
 * and registry of {@code platform}, or the {@code apache/kafka} and
 * {@code confluentinc/cp-schema-registry} containers that the compose deployment runs.
 *
 * <p>System property {@value #PROPERTY} picks the backends: {@code embedded}, {@code containers},
 * {@code all}, or {@code auto} (the default: the embedded backend always, the containers too when
 * a Docker engine answers). A containers backend asked for where no Docker engine exists is
 * skipped through a JUnit assumption, never failed.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("io.mosaic.platform.testing.TestBackend#requested")
 * void pipeline(TestBackend.Kind kind) throws Exception {
 *     try (TestBackend backend = TestBackend.start(kind, 1)) {
 *         MosaicConfig config = backend.config();
 *     }
 * }
 * }</pre>
 */
public abstract class TestBackend implements AutoCloseable {

    public static final String PROPERTY = "mosaic.it.backend";

    /** The registry image of docker-compose.yml; a test there keeps the two in step. */
    public static final String SCHEMA_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.9.0";

    /** The broker image at the version of the Kafka clients on the class path, as compose runs it. */
    public static final String KAFKA_IMAGE = "apache/kafka:" + kafkaClientsVersion();

    private static final Duration CONTAINER_STARTUP = Duration.ofMinutes(3);
    private static final int KAFKA_INTERNAL_PORT = 9093;
    private static final int KAFKA_CONTROLLER_PORT = 9094;
    private static final int REGISTRY_PORT = 8081;

    private static volatile Boolean dockerAvailable;

    public enum Kind { EMBEDDED, CONTAINERS }

    private final int brokers;

    private TestBackend(int brokers) {
        this.brokers = ClusterSize.require(brokers, "brokers");
    }

    public abstract Kind kind();

    public abstract String bootstrapServers();

    public abstract String schemaRegistryUrl();

    /** Stops everything this backend started; never throws. */
    @Override
    public abstract void close();

    public int brokers() {
        return brokers;
    }

    /** Settings that point Mosaic at this backend, with replication matching its brokers. */
    public MosaicConfig config() {
        return MosaicConfig.builder()
                .set(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers())
                .set(KafkaSettings.SCHEMA_REGISTRY_URL, schemaRegistryUrl())
                .set(TopicConfig.REPLICATION_FACTOR, Integer.toString(brokers))
                .set(TopicConfig.MIN_INSYNC_REPLICAS, brokers >= 3 ? "2" : "1")
                .build();
    }

    @Override
    public String toString() {
        return kind().name().toLowerCase(Locale.ROOT) + "(" + brokers + (brokers == 1 ? " broker)" : " brokers)");
    }

    /** Starts a backend of {@code kind}; a containers backend without Docker aborts the test. */
    public static TestBackend start(Kind kind, int brokers) throws Exception {
        return kind == Kind.EMBEDDED ? embedded(brokers) : containers(brokers);
    }

    /** The embedded cluster (brokers in this JVM) and the registry child process. */
    public static TestBackend embedded(int brokers) throws Exception {
        return new Embedded(brokers).start();
    }

    /**
     * {@code apache/kafka} brokers in KRaft mode and {@code confluentinc/cp-schema-registry}, on a
     * network of their own. Aborts the calling test, through a JUnit assumption, when no Docker
     * engine answers.
     */
    public static TestBackend containers(int brokers) {
        Assumptions.assumeTrue(dockerAvailable(),
                "no Docker engine: the containers backend (" + KAFKA_IMAGE + ", " + SCHEMA_REGISTRY_IMAGE + ") is skipped");
        return new Containers(brokers).start();
    }

    /** The backends {@value #PROPERTY} asks for, available or not; for {@code @MethodSource}. */
    public static List<Kind> requested() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "embedded" -> List.of(Kind.EMBEDDED);
            case "containers" -> List.of(Kind.CONTAINERS);
            case "all" -> List.of(Kind.EMBEDDED, Kind.CONTAINERS);
            case "auto", "" -> List.of(Kind.EMBEDDED, Kind.CONTAINERS);
            default -> throw new IllegalArgumentException(
                    PROPERTY + " must be embedded, containers, all or auto, got '" + value + "'");
        };
    }

    /**
     * The one backend for a test too heavy to run on each: the first requested backend that is
     * available. With only the containers backend requested and no Docker, aborts the test.
     */
    public static Kind primary() {
        List<Kind> requested = requested();
        for (Kind kind : requested) {
            if (kind == Kind.EMBEDDED || dockerAvailable()) {
                return kind;
            }
        }
        Assumptions.abort("no Docker engine, and " + PROPERTY + " asks for containers only: skipped");
        throw new AssertionError("unreachable");
    }

    /** Whether a Docker engine answers; asked once per JVM. */
    public static boolean dockerAvailable() {
        Boolean known = dockerAvailable;
        if (known == null) {
            try {
                known = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                known = false;
            }
            dockerAvailable = known;
        }
        return known;
    }

    /** The version of the Kafka clients on the class path, which the build pins to the project's Kafka version. */
    public static String kafkaClientsVersion() {
        return KafkaClients.version();
    }

    private static final class Embedded extends TestBackend {

        private final EmbeddedKafkaCluster kafka;
        private final EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();

        Embedded(int brokers) {
            super(brokers);
            kafka = EmbeddedKafkaCluster.builder().brokers(brokers).build();
        }

        Embedded start() throws Exception {
            try {
                kafka.start();
                registry.start();
                return this;
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public Kind kind() {
            return Kind.EMBEDDED;
        }

        @Override
        public String bootstrapServers() {
            return kafka.bootstrapServers();
        }

        @Override
        public String schemaRegistryUrl() {
            return registry.url();
        }

        @Override
        public void close() {
            registry.stop();
            kafka.stop();
        }
    }

    private static final class Containers extends TestBackend {

        private final Network network = Network.newNetwork();
        private final List<KafkaContainer> kafka = new ArrayList<>();
        private GenericContainer<?> registry;

        Containers(int brokers) {
            super(brokers);
        }

        Containers start() {
            try {
                String voters = IntStream.rangeClosed(1, brokers())
                        .mapToObj(id -> id + "@" + host(id) + ":" + KAFKA_CONTROLLER_PORT)
                        .collect(Collectors.joining(","));
                for (int id = 1; id <= brokers(); id++) {
                    String host = host(id);
                    KafkaContainer broker = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                            .withNetwork(network)
                            .withNetworkAliases(host)
                            // The brokers advertise their internal listener under the container's
                            // host name, so it must be one the other containers can resolve.
                            .withCreateContainerCmdModifier(cmd -> cmd.withHostName(host))
                            .withEnv("KAFKA_NODE_ID", Integer.toString(id))
                            .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                            .withStartupTimeout(CONTAINER_STARTUP);
                    if (brokers() >= 3) {
                        // As in docker-compose.yml: three replicas, two in sync, for every topic.
                        broker.withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                                .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "2")
                                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
                    }
                    kafka.add(broker);
                }
                // Together: no node reports RUNNING before a majority of the controller quorum is up.
                Startables.deepStart(kafka).get(CONTAINER_STARTUP.toSeconds(), TimeUnit.SECONDS);

                String internalBootstrap = IntStream.rangeClosed(1, brokers())
                        .mapToObj(id -> "PLAINTEXT://" + host(id) + ":" + KAFKA_INTERNAL_PORT)
                        .collect(Collectors.joining(","));
                registry = new GenericContainer<>(DockerImageName.parse(SCHEMA_REGISTRY_IMAGE))
                        .withNetwork(network)
                        .withNetworkAliases("schema-registry")
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
                        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", internalBootstrap)
                        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", Integer.toString(brokers()))
                        .withExposedPorts(REGISTRY_PORT)
                        .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(CONTAINER_STARTUP));
                registry.start();
                return this;
            } catch (Exception e) {
                close();
                throw new IllegalStateException("cannot start the containers backend: " + e.getMessage(), e);
            } catch (Error e) {
                close();
                throw e;
            }
        }

        private static String host(int id) {
            return "kafka-" + id;
        }

        @Override
        public Kind kind() {
            return Kind.CONTAINERS;
        }

        @Override
        public String bootstrapServers() {
            return kafka.stream().map(KafkaContainer::getBootstrapServers).collect(Collectors.joining(","));
        }

        @Override
        public String schemaRegistryUrl() {
            return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT);
        }

        @Override
        public void close() {
            if (registry != null) {
                registry.stop();
            }
            kafka.forEach(GenericContainer::stop);
            network.close();
        }
    }
}
