package io.mosaic.consumers.worker;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs that have been cancelled, as this process learns them from {@code mosaic.jobs} (key
 * jobId): a job record with {@code cancelled} set adds its job, a tombstone removes it. Once
 * cancelled, a job stays cancelled, as it does in the aggregator, even if the same source is
 * submitted again.
 *
 * <p>One consumer in a daemon thread reads every partition of the topic from the beginning,
 * without a consumer group: each worker process needs every cancellation, not a share of them,
 * and the compacted topic holds one small record per job. {@link #start()} returns once the
 * topic has been read to its end, so a worker that starts after a cancellation already skips the
 * job's tasks.
 */
public final class CancelledJobs implements Lifecycle {

    /** The error of the result a worker gives for a task of a cancelled job. */
    public static final String ERROR = "job cancelled";

    private static final Logger log = LoggerFactory.getLogger(CancelledJobs.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final MosaicConfig config;
    private final Topics topics;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public CancelledJobs(MosaicConfig config, Topics topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public String name() {
        return "cancelled-jobs follower";
    }

    @Override
    public synchronized void start() throws InterruptedException {
        if (thread != null) {
            return;
        }
        running = true;
        CountDownLatch caughtUp = new CountDownLatch(1);
        thread = new Thread(() -> follow(caughtUp), "mosaic-cancelled-jobs");
        // Never keeps the JVM alive; stop() ends it when the worker stops.
        thread.setDaemon(true);
        thread.start();
        if (!caughtUp.await(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("{} not read to its end within {} s; tasks of jobs cancelled earlier may be analysed until it is",
                    topics.jobs().name(), CATCH_UP_TIMEOUT.toSeconds());
        }
    }

    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** What a worker publishes for a task of a cancelled job instead of analysing it: FAILED, {@value #ERROR}. */
    public static ImageResult skipped(ImageTask task, String worker, Instant at) {
        return ImageResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setJobId(task.getJobId())
                .setUri(task.getUri())
                .setWorker(worker)
                .setStatus(ResultStatus.FAILED)
                .setError(ERROR)
                // The image was never fetched.
                .setAttempts(0)
                .setAnalyzedAt(at)
                .build();
    }

    /** Takes one record of the jobs topic into account. */
    void apply(String jobId, ImageJob job) {
        if (jobId == null) {
            return;
        }
        if (job == null) {
            cancelled.remove(jobId);
        } else if (job.getCancelled() && cancelled.add(jobId)) {
            log.info("job {} cancelled: its remaining tasks are answered without analysis", jobId);
        }
    }

    private void follow(CountDownLatch caughtUp) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            String topic = topics.jobs().name();
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            while (partitions.isEmpty() && running) {
                // The topic is created by `mosaic topics create`; a worker may come up first.
                caughtUp.countDown();
                log.warn("topic {} does not exist yet; cancellations are followed once it does", topic);
                Thread.sleep(5_000);
                partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("cancelled-jobs follower woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("cancelled-jobs follower stopped: {}; cancelled jobs' tasks will be analysed", e.toString(), e);
        } finally {
            caughtUp.countDown();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String jobId;
        ImageJob job;
        try {
            jobId = topics.jobs().key(record);
            job = record.value() == null ? null : topics.jobs().value(record);
        } catch (SerializationException e) {
            log.warn("job record at {}-{}@{} cannot be read; skipped: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        apply(jobId, job);
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = KafkaClients.base(config, "cancelled-jobs");
        // No group: offsets are never committed, every start reads the compacted topic again.
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
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        consumer = null;
    }
}
