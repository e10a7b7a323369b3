package io.mosaic.dashboard.jobs;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topic;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Follows job progress for the dashboard.
 *
 * <p>Reads {@code mosaic.job-summaries} (key jobId, value {@link JobSummary}, read_committed) from
 * the beginning, with every partition assigned and no consumer group: it commits nothing, and it
 * does not appear among the groups the dashboard monitors. Keeps the latest summary of the
 * {@value #MAX_JOBS} most recently updated jobs, in memory.
 */
public final class JobProgressTracker implements Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobProgressTracker.class);

    static final int MAX_JOBS = 200;
    /** Images per second are measured over this span. */
    private static final long RATE_SPAN_MS = 10_000;
    private static final long RETRY_MS = 2_000;

    private final MosaicConfig config;
    private final Topic<String, JobSummary> summaries;
    private final Map<String, JobProgress> jobs = new ConcurrentHashMap<>();
    private final Deque<long[]> doneSamples = new ArrayDeque<>();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public JobProgressTracker(MosaicConfig config, Topic<String, JobSummary> summaries) {
        this.config = config;
        this.summaries = summaries;
    }

    @Override
    public String name() {
        return "job progress (" + summaries.name() + ")";
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "mosaic-dashboard-jobs");
        thread.setDaemon(true);
        thread.start();
    }

    /** Jobs, running first, then by the latest update, newest first. */
    public List<JobProgress> jobs() {
        return jobs.values().stream()
                .sorted(Comparator.comparing(JobProgress::running).reversed()
                        .thenComparing(Comparator.comparingLong(JobProgress::updatedAt).reversed()))
                .toList();
    }

    public long runningJobs() {
        return jobs.values().stream().filter(JobProgress::running).count();
    }

    /** Tasks finished per second, across jobs, over the last ten seconds. */
    public synchronized double imagesPerSecond() {
        if (doneSamples.size() < 2) {
            return 0;
        }
        long[] first = doneSamples.peekFirst();
        long[] last = doneSamples.peekLast();
        long dt = last[0] - first[0];
        return dt <= 0 ? 0 : Math.max(0, last[1] - first[1]) * 1000.0 / dt;
    }

    /** Records what a summary says; visible for tests. */
    void accept(JobSummary summary) {
        JobProgress progress = JobProgress.of(summary);
        jobs.merge(progress.jobId(), progress, (old, next) -> next.updatedAt() >= old.updatedAt() ? next : old);
        if (jobs.size() > MAX_JOBS) {
            jobs.values().stream().min(Comparator.comparingLong(JobProgress::updatedAt))
                    .ifPresent(oldest -> jobs.remove(oldest.jobId()));
        }
    }

    /** Samples the total of finished tasks for {@link #imagesPerSecond()}; visible for tests. */
    synchronized void sample(long nowMs) {
        long done = jobs.values().stream().mapToLong(JobProgress::done).sum();
        doneSamples.addLast(new long[] {nowMs, done});
        while (doneSamples.size() > 2 && nowMs - doneSamples.peekFirst()[0] > RATE_SPAN_MS) {
            doneSamples.removeFirst();
        }
    }

    /** Follows the topic until stopped; a failure (broker gone, timeout) is logged and retried. */
    private void run() {
        while (running) {
            try {
                follow();
            } catch (WakeupException e) {
                if (running) {
                    log.warn("Job progress consumer woken up unexpectedly; starting it again");
                }
            } catch (KafkaException e) {
                if (!running) {
                    return;
                }
                log.warn("Job progress: {}; trying again in {} ms", e.toString(), RETRY_MS);
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void follow() throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (!running) {
                return;
            }
            Map<TopicPartition, Long> history = assignWhenTopicExists(c);
            boolean caughtUp = false;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        accept(summaries.value(record));
                    } catch (SerializationException e) {
                        log.warn("Skipping an unreadable job summary at {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
                // Summaries written before the dashboard started are history, not throughput.
                caughtUp = caughtUp || history.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
                if (caughtUp) {
                    sample(System.currentTimeMillis());
                }
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * Assigns every partition from the beginning and returns their end offsets at that moment. The
     * dashboard may start before the topics are created: waits for them instead of failing.
     */
    private Map<TopicPartition, Long> assignWhenTopicExists(KafkaConsumer<byte[], byte[]> c) throws InterruptedException {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> partitions = c.partitionsFor(summaries.name(), Duration.ofSeconds(5));
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(all);
                c.seekToBeginning(all);
                return c.endOffsets(all);
            }
            if (!warned) {
                log.info("Topic {} does not exist yet; job progress will show once it does", summaries.name());
                warned = true;
            }
            Thread.sleep(2_000);
        }
        return Map.of();
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = KafkaClients.base(config, "dashboard-jobs");
        // Summaries are written in the aggregator's transactions; never show an aborted one.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        // No group, so nothing to commit: every start reads the compacted topic from the beginning.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return KafkaClients.withOverrides(props, config);
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
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
