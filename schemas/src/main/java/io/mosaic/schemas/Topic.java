package io.mosaic.schemas;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the pipeline: its name, how many partitions it is created with, extra
 * topic configuration (cleanup policy), and the serdes of its keys and values.
 */
public record Topic<K, V>(String name, int partitions, Map<String, String> config, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        config = Map.copyOf(config);
    }

    /** A record for this topic, key and value already serialized with its serdes. */
    public ProducerRecord<byte[], byte[]> record(K key, V value) {
        return new ProducerRecord<>(name, keySerde.serializer().serialize(name, key), valueSerde.serializer().serialize(name, value));
    }

    /** The key of a record read from this topic. */
    public K key(ConsumerRecord<byte[], byte[]> record) {
        return keySerde.deserializer().deserialize(name, record.key());
    }

    /** The value of a record read from this topic; throws SerializationException when it cannot be read. */
    public V value(ConsumerRecord<byte[], byte[]> record) {
        return valueSerde.deserializer().deserialize(name, record.value());
    }
}
