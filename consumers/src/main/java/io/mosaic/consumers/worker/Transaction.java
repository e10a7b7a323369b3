package io.mosaic.consumers.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of the batches an analyzer thread has processed since its last commit: its producer,
 * their age, and the offsets they will commit. With {@code exactlyOnce}, a Kafka transaction holding
 * the results and the offsets; without (only for {@code mosaic chaos --unsafe}), results sent with
 * acks=1 and, once acknowledged, the offsets committed by the consumer.
 */
final class Transaction {

    private static final Logger log = LoggerFactory.getLogger(Transaction.class);

    private KafkaProducer<byte[], byte[]> producer;
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    /** Sent without a transaction: checked before the offsets are committed. */
    private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();
    private long startedNanos;
    private boolean open;
    private int records;

    private final boolean exactlyOnce;
    private final Function<ConsumerRecord<byte[], byte[]>, ProducerRecord<byte[], byte[]>> resultOf;
    private final AtomicLong processed;

    Transaction(KafkaProducer<byte[], byte[]> producer, boolean exactlyOnce,
                Function<ConsumerRecord<byte[], byte[]>, ProducerRecord<byte[], byte[]>> resultOf, AtomicLong processed) {
        this.producer = producer;
        this.exactlyOnce = exactlyOnce;
        this.resultOf = resultOf;
        this.processed = processed;
    }

    boolean isOpen() {
        return open;
    }

    Duration age() {
        return open ? Duration.ofNanos(System.nanoTime() - startedNanos) : Duration.ZERO;
    }

    void process(ConsumerRecords<byte[], byte[]> batch) {
        if (!open) {
            if (exactlyOnce) {
                producer.beginTransaction();
            }
            open = true;
            startedNanos = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            Future<RecordMetadata> sent = producer.send(resultOf.apply(record));
            if (!exactlyOnce) {
                unacknowledged.add(sent);
            }
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            records++;
        }
    }

    void commitIfOpen(KafkaConsumer<byte[], byte[]> c) {
        if (!open) {
            return;
        }
        // The consumer's position, not the last record's offset + 1: the tasks are written in
        // transactions, and a partition ends with the commit marker after its last task. Every
        // record returned so far has been processed, so the position is what was consumed,
        // marker included, and a caught-up group shows no lag (as Kafka Streams commits).
        Set<TopicPartition> assigned = c.assignment();
        offsets.replaceAll((partition, offset) -> assigned.contains(partition)
                ? new OffsetAndMetadata(Math.max(offset.offset(), c.position(partition))) : offset);
        if (exactlyOnce) {
            producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
            producer.commitTransaction();
        } else {
            awaitAcknowledged();
            c.commitSync(offsets);
        }
        processed.addAndGet(records);
        reset();
    }

    void abortIfOpen() {
        if (!open) {
            return;
        }
        reset();
        if (!exactlyOnce) {
            return; // what was sent stays sent
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            log.debug("abort failed: {}", e.toString());
        }
    }

    void replaceProducer(KafkaProducer<byte[], byte[]> fresh) {
        reset();
        producer.close(Duration.ZERO);
        producer = fresh;
    }

    void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private void awaitAcknowledged() {
        producer.flush();
        for (Future<RecordMetadata> sent : unacknowledged) {
            try {
                sent.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted waiting for acknowledgements", e);
            }
        }
    }

    private void reset() {
        open = false;
        offsets.clear();
        unacknowledged.clear();
        records = 0;
    }
}
