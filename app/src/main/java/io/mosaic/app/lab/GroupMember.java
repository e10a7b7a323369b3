package io.mosaic.app.lab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The process the failure-detection experiment kills and pauses: a consumer-group member with the
 * given session timeout and heartbeat interval, which also writes a heartbeat record of its own
 * every {@value #BEAT_MS} ms for the experiment's phi-accrual detector. Runs until killed.
 *
 * <p>Arguments: bootstrap servers, group, topic to join on, heartbeat topic, session timeout ms,
 * heartbeat interval ms.
 */
public final class GroupMember {

    static final long BEAT_MS = 100;

    private GroupMember() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        String beats = args[3];
        Map<String, Object> consumerProps = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.parseInt(args[4]),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.parseInt(args[5]));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                     ProducerConfig.ACKS_CONFIG, "1"))) {
            consumer.subscribe(List.of(topic));
            long nextBeat = System.currentTimeMillis();
            while (true) {
                consumer.poll(Duration.ofMillis(20));
                if (System.currentTimeMillis() >= nextBeat) {
                    producer.send(new ProducerRecord<>(beats, group, Long.toString(System.currentTimeMillis())));
                    nextBeat += BEAT_MS;
                }
            }
        }
    }
}
