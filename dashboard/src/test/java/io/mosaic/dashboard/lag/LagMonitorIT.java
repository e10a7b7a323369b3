package io.mosaic.dashboard.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.PartitionLag;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lag monitor against a real broker: offsets read through the Admin client, health over
 * real rounds, and transaction markers told apart from records by reading them.
 */
class LagMonitorIT {

    private static final TopicPartition PLAIN = new TopicPartition("lag-it-plain", 0);
    private static final TopicPartition TXN = new TopicPartition("lag-it-txn", 0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafkaCluster kafka;
    private static Admin admin;
    private static LagMonitor monitor;

    @BeforeAll
    static void startBrokerAndMonitor() throws Exception {
        kafka = EmbeddedKafkaCluster.builder().brokers(1).build();
        kafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(PLAIN.topic(), 1, (short) 1), new NewTopic(TXN.topic(), 1, (short) 1))).all().get();
        MosaicConfig config = MosaicConfig.builder().set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers()).build();
        monitor = new LagMonitor(config, Pattern.compile("lag-it-.*"), Duration.ofMillis(250), 4);
        monitor.start();
    }

    @AfterAll
    static void stopAll() {
        if (monitor != null) {
            monitor.stop();
        }
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void readsOffsetsAndJudgesAGroupThatStopsRewindsAndCatchesUp() throws Exception {
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(PLAIN.topic(), PLAIN.partition(), "k" + i, "v" + i));
            }
        }
        commit("lag-it-plain", PLAIN, 4);

        // Nobody consumes, the offset never moves: STOP once a whole window has passed.
        GroupLag stopped = awaitGroup("lag-it-plain", g -> g.status() == Status.STOP);
        PartitionLag p = stopped.partitions().get(0);
        assertThat(p.committed()).isEqualTo(4);
        assertThat(p.latest()).isEqualTo(10);
        assertThat(p.earliest()).isZero();
        assertThat(p.lag()).isEqualTo(6);
        assertThat(p.markers()).isZero();
        assertThat(p.owner()).isEqualTo(OffsetSnapshot.Owner.NONE);
        assertThat(stopped.simple()).as("a group with offsets and no members").isTrue();
        assertThat(stopped.maxLagSeconds()).isNotNaN().isGreaterThanOrEqualTo(0);

        // Reset to an earlier offset while behind: a rewind (Burrow ignores one from a caught-up
        // consumer, whose window holds a zero lag).
        commit("lag-it-plain", PLAIN, 2);
        GroupLag rewound = awaitGroup("lag-it-plain", g -> g.status() == Status.REWIND);
        assertThat(rewound.lag()).isEqualTo(8);

        commit("lag-it-plain", PLAIN, 10);
        GroupLag caughtUp = awaitGroup("lag-it-plain", g -> g.status() == Status.OK && g.lag() == 0);
        assertThat(caughtUp.maxLagSeconds()).isZero();
    }

    @Test
    void aLagOfOnlyATransactionMarkerIsNoLagButRecordsBehindItAre() throws Exception {
        Map<String, Object> transactional = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-it-producer");
        try (KafkaProducer<String, String> producer = producer(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TXN.topic(), TXN.partition(), "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }
        // Records 0..4, the commit marker at 5: the log ends at 6. A consumer that read all five
        // commits 5, as every consumer does, and stays one offset short of the log end.
        commit("lag-it-txn-done", TXN, 5);
        commit("lag-it-txn-behind", TXN, 3);

        GroupLag done = awaitGroup("lag-it-txn-done", g -> g.partitions().get(0).markers() == 1);
        assertThat(done.partitions().get(0).latest()).isEqualTo(6);
        assertThat(done.lag()).isZero();
        assertThat(done.maxLagSeconds()).isZero();

        // Records 3 and 4 are still to read: the probe sees them, and the marker counts as lag
        // with them, as the raw lag in offsets does.
        GroupLag behind = awaitGroup("lag-it-txn-behind", g -> g.status() == Status.STOP);
        assertThat(behind.partitions().get(0).latest()).isEqualTo(6);
        assertThat(behind.partitions().get(0).lag()).isEqualTo(3);
        assertThat(behind.partitions().get(0).markers()).isZero();

        // Over more than a window, the caught-up group stays healthy instead of turning STOP.
        GroupLag later = awaitGroup("lag-it-txn-done", g -> monitor.evaluator()
                .groupHistory("lag-it-txn-done", Long.MIN_VALUE).orElseThrow().length() >= 8);
        assertThat(later.status()).isEqualTo(Status.OK);
        assertThat(later.lag()).isZero();
    }

    private static GroupLag awaitGroup(String group, java.util.function.Predicate<GroupLag> condition) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> monitor.current().group(group), g -> g.isPresent() && condition.test(g.get()))
                .orElseThrow();
    }

    private static void commit(String group, TopicPartition partition, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset))).all().get();
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
