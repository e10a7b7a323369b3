package io.mosaic.consumers.worker;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.serde.RegistryUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * One consume-analyse-produce loop: poll tasks, analyse each, and publish the results and the
 * consumed offsets in one transaction. A transaction spans polls for up to {@code
 * worker.commit.interval.ms}, and is committed sooner when no task is waiting, when partitions
 * are taken away, or when the thread stops: small images then cost one transaction per many
 * results instead of one per poll, while a lone task is committed as soon as it is analysed. If
 * the transaction cannot commit, it is aborted and the consumer goes back to the last committed
 * offsets, so its tasks are processed again and its aborted results are never seen by
 * read_committed readers.
 *
 * <p>Without {@code exactlyOnce} (only for {@code mosaic chaos --unsafe}, to show what the
 * transactions prevent), results are sent with acks=1 and no idempotence, and the offsets are
 * committed by the consumer once the results are acknowledged: a retry or a reprocessed batch
 * sends results twice, and a leader that acknowledged a result alone may lose it.
 */
final class AnalyzerThread extends Thread {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerThread.class);
    /** Between readings of a batch whose schema the registry could not give; well inside max.poll.interval.ms. */
    static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);

    private final MosaicConfig config;
    private final Topics topics;
    private final TaskProcessor processor;
    private final CancelledJobs cancelledJobs;
    private final String workerId;
    private final AtomicLong processed;
    private final CountDownLatch subscribed;
    private final Duration commitInterval;
    private final boolean exactlyOnce;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    AnalyzerThread(MosaicConfig config, Topics topics, TaskProcessor processor, CancelledJobs cancelledJobs, String workerId,
                   AtomicLong processed, CountDownLatch subscribed, boolean exactlyOnce) {
        super("mosaic-analyzer-" + workerId);
        this.config = config;
        this.topics = topics;
        this.processor = processor;
        this.cancelledJobs = cancelledJobs;
        this.workerId = workerId;
        this.processed = processed;
        this.subscribed = subscribed;
        this.commitInterval = Duration.ofMillis(config.get(WorkerSettings.COMMIT_INTERVAL_MS));
        this.exactlyOnce = exactlyOnce;
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
            Transaction transaction = new Transaction(newProducer(), exactlyOnce, this::resultOf, processed);
            c.subscribe(List.of(topics.imageTasks().name(), topics.expressTasks().name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Their offsets must be committed while this member still owns them.
                    transaction.commitIfOpen(c);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // Another member owns them already: nothing of this transaction may count.
                    transaction.abortIfOpen();
                }
            });
            subscribed.countDown();
            try {
                while (running) {
                    try {
                        // With a transaction open, only take what is already fetched: when
                        // nothing is, the transaction is committed rather than kept waiting.
                        ConsumerRecords<byte[], byte[]> records = expressFirst(c);
                        if (records.isEmpty()) {
                            records = c.poll(transaction.isOpen() ? Duration.ZERO : Duration.ofMillis(500));
                        }
                        if (records.isEmpty()) {
                            transaction.commitIfOpen(c);
                            continue;
                        }
                        transaction.process(records);
                        // An express task is one of a job's first: someone may be waiting for
                        // that job, so its result is committed now, not after the interval.
                        if (transaction.age().compareTo(commitInterval) >= 0 || hasExpress(records)) {
                            transaction.commitIfOpen(c);
                        }
                    } catch (ProducerFencedException | InvalidProducerEpochException e) {
                        // Another producer took over our transactional id or the broker bumped the
                        // epoch: this producer is a zombie. Start a fresh one and redo the batch.
                        log.warn("{}: producer fenced ({}); restarting it and reprocessing the batch", workerId, e.getMessage());
                        transaction.replaceProducer(newProducer());
                        rewindToCommitted(c);
                    } catch (WakeupException e) {
                        throw e;
                    } catch (RegistryUnavailableException e) {
                        // The tasks are fine; their schema cannot be fetched now. Nothing of the
                        // batch counts; it is read again once the registry answers.
                        log.warn("{}: {}; waiting {} ms and reading the batch again", workerId, e.getMessage(), REGISTRY_RETRY.toMillis());
                        transaction.abortIfOpen();
                        rewindToCommitted(c);
                        sleepQuietly(REGISTRY_RETRY);
                    } catch (KafkaException e) {
                        if (!running) {
                            break;
                        }
                        log.warn("{}: transaction failed ({}); aborting and reprocessing the batch", workerId, e.toString());
                        transaction.abortIfOpen();
                        rewindToCommitted(c);
                    }
                }
                transaction.commitIfOpen(c);
            } catch (WakeupException e) {
                if (running) {
                    throw e;
                }
                // Stopping: what was analysed is kept if it can still be committed.
                try {
                    transaction.commitIfOpen(c);
                } catch (KafkaException commitFailed) {
                    transaction.abortIfOpen();
                }
            } finally {
                transaction.close();
            }
        } catch (RuntimeException e) {
            log.error("{}: analyzer thread stopped: {}", workerId, e.toString(), e);
        } finally {
            subscribed.countDown();
        }
    }

    private boolean hasExpress(ConsumerRecords<byte[], byte[]> records) {
        String express = topics.expressTasks().name();
        return records.partitions().stream().anyMatch(partition -> partition.topic().equals(express));
    }

    /**
     * The express lane first: before each poll, the express tasks already fetched, alone. The
     * tasks-topic partitions are paused for that one look (their fetched records are set aside,
     * not dropped, and come back on resume), because a consumer hands out fetched records one
     * partition's batch after another in the order they arrived: an express task fetched behind
     * a few hundred bulk tasks would otherwise wait for all of them. The express lane holds only
     * the first tasks of each job, so it never keeps the tasks topic waiting for long.
     */
    private ConsumerRecords<byte[], byte[]> expressFirst(KafkaConsumer<byte[], byte[]> c) {
        String express = topics.expressTasks().name();
        List<TopicPartition> bulk = new ArrayList<>();
        boolean hasExpress = false;
        for (TopicPartition partition : c.assignment()) {
            if (partition.topic().equals(express)) {
                hasExpress = true;
            } else {
                bulk.add(partition);
            }
        }
        if (!hasExpress) {
            return ConsumerRecords.empty();
        }
        c.pause(bulk);
        try {
            return c.poll(Duration.ZERO);
        } finally {
            // A rebalance inside that poll may have taken some of them away.
            Set<TopicPartition> assigned = c.assignment();
            c.resume(bulk.stream().filter(assigned::contains).toList());
        }
    }

    /** Result of one task record, or its dead letter when it cannot be read. */
    private ProducerRecord<byte[], byte[]> resultOf(ConsumerRecord<byte[], byte[]> record) {
        ImageTask task;
        try {
            task = topics.imageTasks().value(record);
        } catch (SerializationException e) {
            log.warn("{}: task at {}-{}@{} cannot be read, sent to {}: {}", workerId, record.topic(),
                    record.partition(), record.offset(), topics.imageTasksDlq().name(), e.getMessage());
            return DeadLetters.of(topics.imageTasksDlq().name(), record, e, Instant.now());
        }
        // Still one result per task, so a cancelled job's counts add up to its task count.
        ImageResult result = cancelledJobs.isCancelled(task.getJobId())
                ? CancelledJobs.skipped(task, workerId, Instant.now())
                : processor.process(task, workerId);
        return topics.imageResults().record(result.getJobId(), result);
    }

    private void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
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

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = KafkaClients.base(config, "analyzer-" + workerId);
        if (!exactlyOnce) {
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            props.put(ProducerConfig.ACKS_CONFIG, "1");
            return new KafkaProducer<>(KafkaClients.withOverrides(props, config), new ByteArraySerializer(), new ByteArraySerializer());
        }
        // A transactional id per producer instance; since KIP-447 fencing of zombies goes through the
        // consumer group's generation, so the id only has to be unique, not tied to partitions.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaClients.groupId(config, "analyzer-" + workerId));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Results wait in the producer until the transaction commits, which sends them at once:
        // one produce request per partition per transaction instead of one every few results,
        // at no cost in latency (nothing is visible before the commit anyway).
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1_000);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.withOverrides(props, config),
                new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = KafkaClients.base(config, "analyzer-" + workerId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, AnalyzerWorker.groupId(config));
        // Offsets are committed inside the producer's transaction, never by the consumer.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Tasks published in an aborted transaction must never be analysed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(java.util.Locale.ROOT));
        // A fetch waiting at the broker for an empty express lane holds back the next fetch for the
        // tasks topic from the same broker: wait at most this long rather than the default 500 ms.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
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
