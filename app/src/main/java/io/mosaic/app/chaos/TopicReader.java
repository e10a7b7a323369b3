package io.mosaic.app.chaos;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tasks, results and summaries topics from the beginning, as any read_committed client
 * would, into {@link JobRecords}. Either follows them in the background while the run goes on
 * (progress, recovery times), or reads once up to the end (the checker's own, fresh view).
 * Uses no consumer group, so reading changes nothing in the pipeline.
 */
final class TopicReader implements Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);

    private final MosaicConfig config;
    private final Topics topics;
    private final JobRecords records;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> following;
    private Thread thread;

    TopicReader(MosaicConfig config, Topics topics, JobRecords records) {
        this.config = config;
        this.topics = topics;
        this.records = records;
    }

    @Override
    public String name() {
        return "topic reader";
    }

    JobRecords records() {
        return records;
    }

    /** Follows the topics in the background until stopped. */
    @Override
    public synchronized void start() {
        KafkaConsumer<byte[], byte[]> consumer = consumer("chaos-observer");
        List<TopicPartition> partitions = assignAll(consumer);
        consumer.seekToBeginning(partitions);
        following = consumer;
        running = true;
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        take(record, System.nanoTime());
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    log.warn("topic reader woken up while running", e);
                }
            } catch (RuntimeException e) {
                log.error("topic reader stopped: {}", e.toString(), e);
            }
        }, "mosaic-chaos-observer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> consumer = following;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        following = null;
    }

    /** Reads every topic once, up to its last committed record, into this reader's records. */
    void readToEnd(Duration timeout) throws TimeoutException {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("chaos-checker")) {
            List<TopicPartition> partitions = assignAll(consumer);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end is the last stable offset: every transaction before it is decided.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read the topics to their end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    take(record, System.nanoTime());
                }
            }
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void take(ConsumerRecord<byte[], byte[]> record, long receivedNanos) {
        String topic = record.topic();
        if (topic.equals(topics.imageTasks().name())) {
            records.addTask(topics.imageTasks().value(record));
        } else if (topic.equals(topics.imageResults().name())) {
            records.addResult(topics.imageResults().value(record), record.partition());
        } else if (topic.equals(topics.jobSummaries().name())) {
            records.addSummary(topics.jobSummaries().value(record), record.partition(), record.offset(), receivedNanos);
        }
    }

    private List<TopicPartition> assignAll(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.imageTasks().name(), topics.imageResults().name(), topics.jobSummaries().name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        return partitions;
    }

    private KafkaConsumer<byte[], byte[]> consumer(String role) {
        Map<String, Object> props = KafkaClients.base(config, role);
        // Only what committed transactions wrote is real: aborted results must never be counted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        // No group: nothing to commit, and reading leaves no trace in the cluster.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(KafkaClients.withOverrides(props, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
