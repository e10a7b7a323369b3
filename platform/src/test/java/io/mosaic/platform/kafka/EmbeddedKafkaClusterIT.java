package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddedKafkaClusterIT {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaClusterIT.class);

    @BeforeAll
    static void quietKafka() {
        // Without a logback configuration every Kafka logger would print at DEBUG.
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }

    @Test
    void rejectsUnsupportedShapesBeforeStarting() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().brokers(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokers must be 1 or 3, got 2");
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder()
                        .brokerProperty(ServerLogConfigs.LOG_DIRS_CONFIG, "/tmp/x")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ServerLogConfigs.LOG_DIRS_CONFIG);
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().build().bootstrapServers())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void singleBrokerServesIdempotentAndTransactionalClientsAndCleansUp() throws Exception {
        Set<Thread> threadsBefore = liveNonDaemonThreads();
        EmbeddedKafkaCluster kafka = startTimed(1);

        String bootstrap = kafka.bootstrapServers();
        Path dataDir = kafka.baseDirectory().orElseThrow();
        try {
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(kafka.brokerCount()).isEqualTo(1);
            assertThat(dataDir).isDirectory();

            try (Admin admin = admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("plain", Optional.of(3), Optional.empty()))).all().get();
                assertThat(replicaCounts(admin, "plain")).containsExactly(1, 1, 1);
            }
            List<String> sent = List.of("a", "b", "c", "d", "e");
            produceIdempotently(bootstrap, "plain", sent);
            assertThat(consume(bootstrap, "plain", IsolationLevel.READ_UNCOMMITTED, sent.size()))
                    .containsExactlyInAnyOrderElementsOf(sent);

            assertTransactionsCommitAndAbort(kafka);
        } finally {
            long stopping = System.nanoTime();
            kafka.stop();
            log.info("1-broker cluster stopped in {} ms", elapsedMillis(stopping));
        }
        // Idempotent: a second stop neither throws nor hangs.
        kafka.stop();

        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
        assertThat(dataDir).doesNotExist();
        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
        assertNoThreadsLeftBeyond(threadsBefore);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threeBrokersReplicateEveryPartitionThreeTimes() throws Exception {
        Set<Thread> threadsBefore = liveNonDaemonThreads();
        EmbeddedKafkaCluster kafka = startTimed(3);
        try {
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+){2}");
            assertThat(Arrays.stream(bootstrap.split(",")).distinct()).hasSize(3);
            assertThat(kafka.brokerCount()).isEqualTo(3);

            try (Admin admin = admin(bootstrap)) {
                admin.createTopics(List.of(
                        new NewTopic("replicated", 3, (short) 3)
                                .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")),
                        // No replication factor: the cluster's default must apply.
                        new NewTopic("defaulted", Optional.of(2), Optional.empty()))).all().get();

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(describe(admin, "replicated").partitions()).hasSize(3).allSatisfy(partition -> {
                            assertThat(partition.replicas()).hasSize(3);
                            assertThat(partition.isr()).hasSize(3);
                        }));
                assertThat(replicaCounts(admin, "defaulted")).containsExactly(3, 3);
            }

            List<String> sent = List.of("one", "two", "three", "four", "five", "six");
            produceIdempotently(bootstrap, "replicated", sent);
            assertThat(consume(bootstrap, "replicated", IsolationLevel.READ_UNCOMMITTED, sent.size()))
                    .containsExactlyInAnyOrderElementsOf(sent);

            // The transaction-state topic needs 2 of its 3 replicas in sync.
            assertTransactionsCommitAndAbort(kafka);
        } finally {
            Path dataDir = kafka.baseDirectory().orElseThrow();
            long stopping = System.nanoTime();
            kafka.stop();
            log.info("3-broker cluster stopped in {} ms", elapsedMillis(stopping));
            assertThat(dataDir).doesNotExist();
        }
        assertNoThreadsLeftBeyond(threadsBefore);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aGivenDirectoryIsKeptAndReusedByTheNextCluster() throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka-it-");
        try {
            String clusterId;
            try (EmbeddedKafkaCluster first = EmbeddedKafkaCluster.builder().baseDirectory(dir).build()) {
                first.start();
                clusterId = first.clusterId().orElseThrow();
                try (Admin admin = admin(first.bootstrapServers())) {
                    admin.createTopics(List.of(new NewTopic("kept", Optional.of(1), Optional.empty()))).all().get();
                }
                produceIdempotently(first.bootstrapServers(), "kept", List.of("survives a restart"));
            }
            assertThat(dir).isDirectory();

            try (EmbeddedKafkaCluster second = EmbeddedKafkaCluster.builder().baseDirectory(dir).build()) {
                second.start();
                assertThat(second.clusterId()).contains(clusterId);
                assertThat(consume(second.bootstrapServers(), "kept", IsolationLevel.READ_UNCOMMITTED, 1))
                        .containsExactly("survives a restart");
            }
        } finally {
            Utils.delete(dir.toFile());
        }
    }

    /** Committed transactions around an aborted one: a read_committed consumer sees only the committed records. */
    private static void assertTransactionsCommitAndAbort(EmbeddedKafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String topic = "transactional";
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty()))).all().get();
        }
        Map<String, Object> config = producerConfig(bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k3", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k4", "committed-3"));
            producer.commitTransaction();
        }
        assertThat(consume(bootstrap, topic, IsolationLevel.READ_COMMITTED, 3))
                .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
    }

    private static void produceIdempotently(String bootstrap, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value)).get();
            }
        }
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // acks=all with idempotence: what Mosaic's producers run with.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /**
     * Reads {@code expected} values through a consumer group, so the consumer-offsets topic is
     * exercised too, then waits briefly to catch any record beyond them.
     */
    private static List<String> consume(String bootstrap, String topic, IsolationLevel isolation, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                // A new group reads the topic from its start.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                values.add(record.value());
            }
            consumer.commitSync();
        }
        return values;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /**
     * Waits for the topic to be known: a created topic reaches the brokers' metadata a moment
     * after the controller confirms it.
     */
    private static TopicDescription describe(Admin admin, String topic) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic), Objects::nonNull);
    }

    private static List<Integer> replicaCounts(Admin admin, String topic) {
        return describe(admin, topic).partitions().stream()
                .map(TopicPartitionInfo::replicas)
                .map(List::size)
                .toList();
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        }
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon())
                .collect(Collectors.toSet());
    }

    /** Polls on this thread: a poller thread of its own would count as a leftover. */
    private static void assertNoThreadsLeftBeyond(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> leftover;
        do {
            leftover = liveNonDaemonThreads().stream()
                    .filter(thread -> !before.contains(thread))
                    .map(Thread::getName)
                    .sorted()
                    .toList();
            if (leftover.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(leftover).as("non-daemon threads left after stop").isEmpty();
    }

    /** A cluster of {@code brokers}, started, with how long that took in the log. */
    private static EmbeddedKafkaCluster startTimed(int brokers) throws Exception {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(brokers).build();
        long started = System.nanoTime();
        kafka.start();
        log.info("{}-broker cluster started in {} ms", brokers, elapsedMillis(started));
        return kafka;
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
