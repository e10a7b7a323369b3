package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The one read-to-end helper, against a real broker: committed records only, caught-up signal, clean stop. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicFollowerIT {

    private static EmbeddedKafkaCluster kafka;
    private static MosaicConfig config;

    @BeforeAll
    static void startBroker() throws Exception {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
        kafka = EmbeddedKafkaCluster.builder().brokers(1).build();
        kafka.start();
        config = MosaicConfig.builder().set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers()).build();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void readsCommittedRecordsOfEveryPartitionToTheEndAndNothingAborted() throws Exception {
        createTopic("snapshot", 3);
        writeInTransaction("snapshot", List.of("a", "b", "c", "d", "e", "f"), true);
        writeInTransaction("snapshot", List.of("aborted-1", "aborted-2"), false);
        writeInTransaction("snapshot", List.of("g"), true);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        TopicFollower.readToEnd(config, "test-snapshot", List.of("snapshot"), r -> seen.add(value(r)), Duration.ofSeconds(30));

        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f", "g");
        assertThatThrownBy(() -> TopicFollower.readToEnd(config, "test-snapshot", List.of("no-such-topic"), r -> { },
                Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-topic");
    }

    @Test
    void readToEndGivesUpAfterItsTimeoutWhenTheEndIsNotReached() throws Exception {
        createTopic("slow", 1);
        writeInTransaction("slow", List.of("x", "y"), true);
        // One record per poll, each taking longer than the whole allowance.
        MosaicConfig onePerPoll = MosaicConfig.builder().set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .flags(Map.of("kafka.max.poll.records", "1")).build();
        assertThatThrownBy(() -> TopicFollower.readToEnd(onePerPoll, "test-slow", List.of("slow"), r -> sleep(1_500),
                Duration.ofMillis(500)))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void followerCatchesUpThenSeesNewRecordsSkipsUnreadableOnesAndStopsCleanly() throws Exception {
        createTopic("followed", 2);
        writeInTransaction("followed", List.of("old-1", "old-2", "bad", "old-3"), true);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        TopicFollower follower = new TopicFollower(config, "test-follower", List.of("followed"), r -> {
            if (value(r).equals("bad")) {
                throw new SerializationException("cannot read 'bad'");
            }
            seen.add(value(r));
        });
        follower.start();
        try {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            // Caught up means every record that was there at the start was handed over.
            assertThat(seen).containsExactlyInAnyOrder("old-1", "old-2", "old-3");

            writeInTransaction("followed", List.of("new-1"), true);
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("new-1"));
        } finally {
            follower.stop();
        }
        follower.stop();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mosaic-test-follower"));
    }

    @Test
    void afterAFailingHandlerTheFollowerGoesOnFromTheFailedRecordNotFromTheBeginning() throws Exception {
        createTopic("resumed", 2);
        writeInTransaction("resumed", List.of("r-1", "r-2", "r-3", "r-4", "r-5", "r-6"), true);

        // Handed-over counts per value; r-4 fails its first time, as a handler does when the schema
        // registry is unreachable.
        Map<String, Integer> handed = new ConcurrentHashMap<>();
        TopicFollower follower = new TopicFollower(config, "test-resumed", List.of("resumed"), r -> {
            int times = handed.merge(value(r), 1, Integer::sum);
            if (value(r).equals("r-4") && times == 1) {
                throw new org.apache.kafka.common.errors.RetriableException("registry unreachable") { };
            }
        });
        follower.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> handed.getOrDefault("r-4", 0) == 2);
            writeInTransaction("resumed", List.of("r-7"), true);
            await().atMost(Duration.ofSeconds(20)).until(() -> handed.containsKey("r-7"));
        } finally {
            follower.stop();
        }
        Map<String, Integer> expected = new java.util.HashMap<>();
        for (int i = 1; i <= 7; i++) {
            expected.put("r-" + i, i == 4 ? 2 : 1);
        }
        assertThat(handed).as("records handed over, the failed one again and no other twice").isEqualTo(expected);
    }

    @Test
    void followerWaitsForATopicThatDoesNotExistYet() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        TopicFollower follower = new TopicFollower(config, "test-waiting", List.of("late"), r -> seen.add(value(r)));
        follower.start();
        try {
            // Nothing to catch up with while the topic is missing: whoever waits may go on.
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(20))).isTrue();
            createTopic("late", 1);
            writeInTransaction("late", List.of("first"), true);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("first"));
        } finally {
            follower.stop();
        }
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()))).all().get();
        }
    }

    private static void writeInTransaction(String topic, List<String> values, boolean commit) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "topic-follower-it-" + topic);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }
}
