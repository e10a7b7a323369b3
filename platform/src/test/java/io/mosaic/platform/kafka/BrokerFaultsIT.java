package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CAP choice of a 3-broker cluster with replication factor 3 and min.insync.replicas=2, with
 * brokers killed by SIGKILL in their own processes: losing one broker keeps writes available;
 * losing two refuses them (consistency over availability) instead of accepting writes that a
 * single replica could lose; when the brokers return, writing resumes and every acknowledged
 * record is there.
 */
class BrokerFaultsIT {

    private static final String TOPIC = "quorum";

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void oneBrokerDownKeepsWritingTwoDownRefusesWritesAndNothingAcknowledgedIsLost() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).childProcesses(true).childHeap("384m").build()) {
            kafka.start();
            assertThat(kafka.brokerProcess(1)).isPresent();
            createTopic(kafka);
            List<String> acknowledged = new ArrayList<>();

            try (KafkaProducer<String, String> producer = producer(kafka)) {
                send(producer, "before-faults", acknowledged);

                long pid = kafka.brokerProcess(3).orElseThrow().pid();
                kafka.killBroker(3);
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                // Two of three replicas remain in sync: acks=all writes still succeed.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> send(producer, "one-down", acknowledged));

                kafka.killBroker(2);
                // One replica left: below min.insync.replicas, the write is refused, not acknowledged.
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "two-down")).get(30, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(rootCauses(e)).anyMatch(c -> c instanceof NotEnoughReplicasException
                                || c instanceof TimeoutException || c instanceof org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException));
            }

            kafka.restartBroker(2);
            kafka.restartBroker(3);
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> send(producer, "after-recovery", acknowledged));
            }

            assertThat(readAll(kafka)).containsAll(acknowledged).contains("before-faults", "one-down", "after-recovery");
        }
    }

    private static void createTopic(EmbeddedKafkaCluster kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(0).isr().size() == 3);
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaCluster kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Short timeouts so that a refused write surfaces within the test.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
                new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, String value, List<String> acknowledged) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, "k", value)).get(30, TimeUnit.SECONDS);
        acknowledged.add(value);
    }

    private static List<String> readAll(EmbeddedKafkaCluster kafka) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "quorum-reader"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !values.contains("after-recovery")) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static List<Throwable> rootCauses(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
