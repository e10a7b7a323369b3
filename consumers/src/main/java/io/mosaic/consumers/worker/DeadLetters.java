package io.mosaic.consumers.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Builds dead-letter records: the original key and value bytes unchanged, with headers that say
 * why the record could not be processed and where it came from, so it can be inspected and
 * replayed.
 */
public final class DeadLetters {

    public static final String ERROR = "mosaic.dlq.error";
    public static final String SOURCE_TOPIC = "mosaic.dlq.source.topic";
    public static final String SOURCE_PARTITION = "mosaic.dlq.source.partition";
    public static final String SOURCE_OFFSET = "mosaic.dlq.source.offset";
    public static final String FAILED_AT = "mosaic.dlq.failed.at";

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> of(String dlqTopic, ConsumerRecord<byte[], byte[]> original, Exception error, Instant now) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(dlqTopic, null, original.key(), original.value());
        Headers headers = record.headers();
        original.headers().forEach(headers::add);
        headers.add(ERROR, utf8(error.getClass().getSimpleName() + ": " + error.getMessage()));
        headers.add(SOURCE_TOPIC, utf8(original.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(original.offset())));
        headers.add(FAILED_AT, utf8(now.toString()));
        return record;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
