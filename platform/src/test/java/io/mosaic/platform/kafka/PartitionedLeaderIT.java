package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.testing.Partitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The zombie leader, with a real network partition: the leader of a partition is cut off from its
 * followers and the controller but still reachable by clients. It goes on believing it leads; the
 * controller fences it and elects a follower. Writes with acks=all are never acknowledged by the
 * zombie (its followers cannot fetch them), so none acknowledged is lost; writes with acks=1 are
 * acknowledged by the zombie and lost when it rejoins and truncates its log to the new leader's.
 * The second half is the check proving itself: the same reading that finds nothing lost with
 * acks=all finds the loss without it.
 */
class PartitionedLeaderIT {

    private static final String TOPIC = "zombie";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @BeforeAll
    static void machineAllowsIt() {
        Partitions.assumeAvailable("PartitionedLeaderIT");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aLeaderCutOffFromItsFollowersLosesOnlyWhatItAcknowledgedAlone() throws Exception {
        long owner = ProcessHandle.current().pid();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).isolated(true).childHeap("384m").build()) {
            kafka.start();
            IsolatedNetwork network = kafka.network().orElseThrow();
            assertThat(kafka.bootstrapServers()).doesNotContain("127.0.0.1");
            createTopic(kafka);
            int leader = describe(kafka, kafka.bootstrapServers()).partitions().get(0).leader().id();
            List<Integer> followers = kafka.brokerIds().stream().filter(id -> id != leader).toList();
            String followersOnly = followers.stream().map(id -> kafka.brokerHost(id).address() + ":" + EmbeddedKafkaCluster.ISOLATED_BROKER_PORT)
                    .collect(Collectors.joining(","));

            List<String> safe = Collections.synchronizedList(new ArrayList<>());
            List<String> unsafe = Collections.synchronizedList(new ArrayList<>());
            try (KafkaProducer<String, String> acksAll = producer(kafka, "all");
                 KafkaProducer<String, String> acksOne = producer(kafka, "1")) {
                send(acksAll, "safe-before", safe);
                send(acksOne, "unsafe-before", unsafe);

                IsolatedNetwork.Host zombie = kafka.brokerHost(leader);
                for (int follower : followers) {
                    network.cut(zombie, kafka.brokerHost(follower));
                }
                network.cut(zombie, kafka.controllerHost());
                assertThat(IsolatedNetwork.connectsFromHere(zombie.address(), EmbeddedKafkaCluster.ISOLATED_BROKER_PORT)).as("clients still reach the cut-off leader").isTrue();

                // Both producers write through the partition until a follower leads and a little after.
                long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                int i = 0;
                boolean newLeader = false;
                while (System.nanoTime() < until || !newLeader) {
                    acksAll.send(new ProducerRecord<>(TOPIC, "k", "safe-" + i), ack(safe, "safe-" + i));
                    acksOne.send(new ProducerRecord<>(TOPIC, "k", "unsafe-" + i), ack(unsafe, "unsafe-" + i));
                    i++;
                    Thread.sleep(200);
                    if (!newLeader && i % 10 == 0) {
                        newLeader = followers.contains(describe(kafka, followersOnly).partitions().get(0).leader().id());
                    }
                }
                acksAll.flush();
                acksOne.flush();
                network.healAll();
                // The healed zombie still answers metadata from its stale cache (itself leading, all
                // three in sync) until the controller reaches it: wait until every broker's own view
                // agrees, all three in sync, before reading the log.
                await().atMost(Duration.ofSeconds(120)).until(() -> agreedInSync(kafka));
            }

            Set<String> present = Set.copyOf(readAll(kafka));
            List<String> lostSafe = safe.stream().filter(v -> !present.contains(v)).toList();
            List<String> lostUnsafe = unsafe.stream().filter(v -> !present.contains(v)).toList();
            System.out.printf("zombie leader %d: acks=all %d acknowledged, %d of them lost; acks=1 %d acknowledged, %d of them lost%n",
                    leader, safe.size(), lostSafe.size(), unsafe.size(), lostUnsafe.size());
            assertThat(safe).as("acks=all writes acknowledged").contains("safe-before").hasSizeGreaterThan(10);
            assertThat(lostSafe).as("acks=all writes acknowledged and then lost").isEmpty();
            assertThat(lostUnsafe).as("acks=1 writes acknowledged by the zombie leader alone, lost when it rejoined").isNotEmpty();
        }
        assertThat(IsolatedNetwork.namespacesOf(owner)).as("namespaces after the cluster stopped").isEmpty();
    }

    private static void createTopic(EmbeddedKafkaCluster kafka) throws Exception {
        try (Admin admin = admin(kafka.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get(60, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> describe(kafka, kafka.bootstrapServers()).partitions().get(0).isr().size() == 3);
    }

    private static boolean agreedInSync(EmbeddedKafkaCluster kafka) throws Exception {
        Set<String> views = new java.util.HashSet<>();
        for (int id : kafka.brokerIds()) {
            var partition = describe(kafka, kafka.brokerHost(id).address() + ":" + EmbeddedKafkaCluster.ISOLATED_BROKER_PORT)
                    .partitions().get(0);
            if (partition.isr().size() != 3) {
                return false;
            }
            views.add(partition.leader().id() + " " + partition.isr().stream().map(node -> node.id()).sorted().toList());
        }
        return views.size() == 1;
    }

    private static TopicDescription describe(EmbeddedKafkaCluster kafka, String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaCluster kafka, String acks) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        // Finds the new leader soon after the election, as any long-running producer eventually does.
        props.put(org.apache.kafka.clients.CommonClientConfigs.METADATA_MAX_AGE_CONFIG, 2_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static void send(KafkaProducer<String, String> producer, String value, List<String> acknowledged) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, "k", value)).get(30, TimeUnit.SECONDS);
        acknowledged.add(value);
    }

    private static org.apache.kafka.clients.producer.Callback ack(List<String> acknowledged, String value) {
        return (metadata, error) -> {
            if (error == null) {
                acknowledged.add(value);
            }
        };
    }

    private static List<String> readAll(EmbeddedKafkaCluster kafka) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long end = consumer.endOffsets(List.of(PARTITION)).get(PARTITION);
            while (consumer.position(PARTITION) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
