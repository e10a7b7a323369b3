package io.mosaic.consumers.worker;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consume-analyse-produce loop: poll a batch of tasks, analyse each, and publish the results
 * and the batch's offsets in one transaction. If the transaction cannot commit, it is aborted and
 * the consumer goes back to the last committed offsets, so the batch is processed again and its
 * aborted results are never seen by read_committed readers.
 */
final class AnalyzerThread extends Thread {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerThread.class);

    private final MosaicConfig config;
    private final Topics topics;
    private final TaskProcessor processor;
    private final CancelledJobs cancelledJobs;
    private final String workerId;
    private final AtomicLong processed;
    private final CountDownLatch subscribed;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    AnalyzerThread(MosaicConfig config, Topics topics, TaskProcessor processor, CancelledJobs cancelledJobs, String workerId,
                   AtomicLong processed, CountDownLatch subscribed) {
        super("mosaic-analyzer-" + workerId);
        this.config = config;
        this.topics = topics;
        this.processor = processor;
        this.cancelledJobs = cancelledJobs;
        this.workerId = workerId;
        this.processed = processed;
        this.subscribed = subscribed;
    }

    void shutdown() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(topics.imageTasks().name()));
            subscribed.countDown();
            KafkaProducer<byte[], byte[]> producer = newProducer();
            try {
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    try {
                        processInTransaction(producer, c, records);
                        processed.addAndGet(records.count());
                    } catch (ProducerFencedException | InvalidProducerEpochException e) {
                        // Another producer took over our transactional id or the broker bumped the
                        // epoch: this producer is a zombie. Start a fresh one and redo the batch.
                        log.warn("{}: producer fenced ({}); restarting it and reprocessing the batch", workerId, e.getMessage());
                        producer.close(Duration.ZERO);
                        producer = newProducer();
                        rewindToCommitted(c);
                    } catch (KafkaException e) {
                        if (!running) {
                            break;
                        }
                        log.warn("{}: transaction failed ({}); aborting and reprocessing the batch", workerId, e.toString());
                        abortQuietly(producer);
                        rewindToCommitted(c);
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    throw e;
                }
            } finally {
                producer.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.error("{}: analyzer thread stopped: {}", workerId, e.toString(), e);
        } finally {
            subscribed.countDown();
        }
    }

    private void processInTransaction(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> c,
                                      ConsumerRecords<byte[], byte[]> records) {
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ImageTask task;
            try {
                task = topics.imageTasks().value(record);
            } catch (SerializationException e) {
                log.warn("{}: task at {}-{}@{} cannot be read, sent to {}: {}", workerId, record.topic(),
                        record.partition(), record.offset(), topics.imageTasksDlq().name(), e.getMessage());
                producer.send(DeadLetters.of(topics.imageTasksDlq().name(), record, e, Instant.now()));
                task = null;
            }
            if (task != null) {
                // Still one result per task, so a cancelled job's counts add up to its task count.
                ImageResult result = cancelledJobs.isCancelled(task.getJobId())
                        ? CancelledJobs.skipped(task, workerId, Instant.now())
                        : processor.process(task, workerId);
                producer.send(topics.imageResults().record(result.getJobId(), result));
            }
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
        producer.commitTransaction();
    }

    private void rewindToCommitted(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> assigned = c.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                c.seek(partition, offset);
            } else {
                c.seekToBeginning(List.of(partition));
            }
        }
    }

    private static void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            log.debug("abort failed: {}", e.toString());
        }
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = KafkaClients.base(config, "analyzer-" + workerId);
        // A transactional id per producer instance; since KIP-447 fencing of zombies goes through the
        // consumer group's generation, so the id only has to be unique, not tied to partitions.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "mosaic-analyzer-" + workerId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.withOverrides(props, config),
                new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = KafkaClients.base(config, "analyzer-" + workerId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, AnalyzerWorker.GROUP_ID);
        // Offsets are committed inside the producer's transaction, never by the consumer.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Tasks published in an aborted transaction must never be analysed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(java.util.Locale.ROOT));
        // A new group starts at the oldest task, so tasks published before the workers came up are not skipped.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Each image takes tens of milliseconds; small batches keep a transaction short and a
        // rebalance quick, well inside max.poll.interval.ms.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        // 16 KiB instead of 1 MiB per partition and fetch: about a hundred task records, so the
        // consumer turns to its next partition every few polls instead of draining thousands of one
        // partition's tasks while its others wait (and look stalled to a lag monitor).
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        return KafkaClients.withOverrides(props, config);
    }
}
