package io.mosaic.app.lab;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.kafka.TopicFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** The plain Kafka clients the experiments use: string keys and values, settings in sight. */
final class LabClients {

    private LabClients() {
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    /** A one-broker cluster, started, with {@code topics} created and led; closed again if any of that fails. */
    static EmbeddedKafkaCluster oneBroker(NewTopic... topics) throws Exception {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1).build();
        try {
            kafka.start();
            if (topics.length > 0) {
                createTopics(kafka.bootstrapServers(), topics);
            }
            return kafka;
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    static void createTopics(String bootstrap, NewTopic... topics) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            TopicAdmin.createAndAwaitLeaders(admin, topics);
        }
    }

    /** A producer of strings with {@code settings} over the client defaults. */
    static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(settings);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** A record as the experiments read it back: key and value as strings, and its timestamp. */
    record Read(String key, String value, long timestamp) {
    }

    /**
     * Every record of {@code topic} from the beginning to its end, as {@code isolation}
     * ("read_committed" or "read_uncommitted") reads it: the pipeline's read-to-end, with the
     * isolation an experiment asks for (a lost or a duplicated write shows only to read_uncommitted).
     */
    static List<Read> readAll(String bootstrap, String topic, String isolation) {
        MosaicConfig config = MosaicConfig.builder().set(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap)
                .flags(Map.of("kafka." + ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation)).build();
        List<Read> records = new ArrayList<>();
        try {
            TopicFollower.readToEnd(config, "lab-reader", List.of(topic),
                    r -> records.add(new Read(string(r.key()), string(r.value()), r.timestamp())), Duration.ofSeconds(60));
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return records;
    }

    private static String string(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
