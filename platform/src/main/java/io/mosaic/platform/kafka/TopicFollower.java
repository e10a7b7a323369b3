package io.mosaic.platform.kafka;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.lifecycle.Lifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads whole topics from their beginning, as any {@code read_committed} client would, with every
 * partition assigned and no consumer group: reading commits nothing and leaves no trace in the
 * cluster. The one way Mosaic reads a topic to its end; either once ({@link #readToEnd}) or by
 * following it in a daemon thread ({@link #start()}) that tells when it has caught up with what was
 * there when it started.
 *
 * <p>A topic that does not exist yet is waited for (services may start before {@code mosaic topics
 * create}); a failure of the consumer or of the handler (a broker gone, a timeout, the schema
 * registry unreachable) is logged and, after a pause, reading goes on with a new consumer from the
 * record after the last one handled: a record is handed over again only when its handler threw. A
 * record the handler cannot deserialize is skipped with a warning.
 */
public final class TopicFollower implements Lifecycle {

    /** What is done with each record, and after each poll. */
    public interface Handler {

        void accept(ConsumerRecord<byte[], byte[]> record);

        /** Called after every poll; {@code caughtUp} once the ends seen at the start were reached. */
        default void afterPoll(boolean caughtUp) {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final MosaicConfig config;
    private final String role;
    private final List<String> topics;
    private final Handler handler;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Where reading goes on after a failure: the offset after the last record handled, per partition. Follower thread only. */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    /** The ends when following first began: caught up means these were reached. Follower thread only. */
    private Map<TopicPartition, Long> startEnds;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param role names the client ({@code mosaic-<role>-<instance>}) and the thread
     * @param topics the topics to read, every partition of each
     */
    public TopicFollower(MosaicConfig config, String role, List<String> topics, Handler handler) {
        this.config = config;
        this.role = role;
        this.topics = List.copyOf(topics);
        this.handler = handler;
    }

    @Override
    public String name() {
        return role + " " + topics;
    }

    /**
     * Reads {@code topics} once, from the beginning up to their last stable offsets at the time of
     * the call, and returns.
     *
     * @throws TimeoutException when the ends are not reached within {@code timeout}
     */
    public static void readToEnd(MosaicConfig config, String role, List<String> topics, Handler handler,
                                 Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = newConsumer(config, role)) {
            List<TopicPartition> partitions = partitions(c, topics);
            if (partitions.size() < topics.size()) {
                throw new IllegalStateException("not every topic of " + topics + " exists");
            }
            Map<TopicPartition, Long> ends = assignFromBeginning(c, partitions, timeout);
            while (!reached(c, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read " + topics + " to their end within " + timeout.toSeconds() + " s");
                }
                poll(c, handler, new HashMap<>());
            }
        }
    }

    /** Starts following in a daemon thread and returns at once; see {@link #awaitCaughtUp}. */
    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "mosaic-" + role);
        // Never keeps the JVM alive; stop() ends it.
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until everything that was in the topics when following began has been handed to the
     * handler; also returns (true) while a topic does not exist yet, as there is nothing to catch up.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    if (running) {
                        log.warn("{}: consumer woken up unexpectedly; reading again", name());
                    }
                } catch (KafkaException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("{}: {}; reading again in {} ms", name(), e.toString(), RETRY.toMillis());
                    pause(RETRY);
                } catch (RuntimeException e) {
                    log.error("{} stopped: {}", name(), e.toString(), e);
                    return;
                }
            }
        } finally {
            caughtUp.countDown();
        }
    }

    private void follow() {
        try (KafkaConsumer<byte[], byte[]> c = newConsumer(config, role)) {
            consumer = c;
            List<TopicPartition> partitions = awaitTopics(c);
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = resume(c, partitions);
            boolean reachedEnds = false;
            while (running) {
                poll(c, handler, resumeAt);
                reachedEnds = reachedEnds || reached(c, ends);
                if (reachedEnds) {
                    caughtUp.countDown();
                }
                handler.afterPoll(reachedEnds);
            }
        } finally {
            consumer = null;
        }
    }

    /** Every partition of every topic, once all of them exist; empty when stopped while waiting. */
    private List<TopicPartition> awaitTopics(KafkaConsumer<byte[], byte[]> c) {
        boolean warned = false;
        while (running) {
            List<TopicPartition> partitions = partitions(c, topics);
            if (partitions.size() >= topics.size()) {
                return partitions;
            }
            // Nothing to catch up with yet: whoever waits on a missing topic may go on.
            caughtUp.countDown();
            if (!warned) {
                log.info("{}: waiting for the topics to be created", name());
                warned = true;
            }
            if (!pause(RETRY)) {
                break;
            }
        }
        return List.of();
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    private static Map<TopicPartition, Long> assignFromBeginning(KafkaConsumer<byte[], byte[]> c,
                                                                 List<TopicPartition> partitions, Duration timeout) {
        c.assign(partitions);
        c.seekToBeginning(partitions);
        // Under read_committed the end is the last stable offset: every transaction before it is decided.
        return c.endOffsets(partitions, timeout);
    }

    /** Assigns {@code partitions}, each from the record after the last one handled or else from the beginning; the ends to catch up with. */
    private Map<TopicPartition, Long> resume(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
        c.assign(partitions);
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long next = resumeAt.get(partition);
            if (next == null) {
                fresh.add(partition);
            } else {
                c.seek(partition, next);
            }
        }
        if (!fresh.isEmpty()) {
            // An empty list would mean every assigned partition.
            c.seekToBeginning(fresh);
        }
        if (startEnds == null) {
            // Under read_committed the end is the last stable offset: every transaction before it is decided.
            startEnds = c.endOffsets(partitions, Duration.ofSeconds(30));
        }
        return startEnds;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    /** Hands each polled record to {@code handler} and notes in {@code handled} the offset after it. */
    private static void poll(KafkaConsumer<byte[], byte[]> c, Handler handler, Map<TopicPartition, Long> handled) {
        for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
            try {
                handler.accept(record);
            } catch (SerializationException e) {
                log.warn("skipping an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
            handled.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
    }

    private static KafkaConsumer<byte[], byte[]> newConsumer(MosaicConfig config, String role) {
        Map<String, Object> props = KafkaClients.base(config, role);
        // Only what committed transactions wrote is real: an aborted record must never be seen.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        // No group, so nothing to commit: every start reads the topics from the beginning.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(KafkaClients.withOverrides(props, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
