package io.mosaic.consumers.worker;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analyzer workers of one process: {@code worker.threads} threads, each a member of consumer
 * group {@code mosaic-analyzers} with its own transactional producer.
 *
 * <p>Reads {@code mosaic.image-tasks} (key taskId, read_committed). Writes
 * {@code mosaic.image-results} (key jobId) and, for records that cannot be read,
 * {@code mosaic.image-tasks.dlq} (key taskId, original bytes), both in the same transaction as the
 * consumed offsets: a task's result is published exactly when its offset is committed.
 *
 * <p>Also reads all of {@code mosaic.jobs} (no group, {@link CancelledJobs}): a task of a
 * cancelled job is answered with a FAILED result without being analysed.
 */
public final class AnalyzerWorker implements Lifecycle {

    /** The analyzer group under the default {@code group.prefix}. */
    public static final String GROUP_ID = groupId(MosaicConfig.defaults());

    /** The analyzer group: {@code <group.prefix>-analyzers}. */
    public static String groupId(MosaicConfig config) {
        return KafkaClients.groupId(config, "analyzers");
    }

    private final MosaicConfig config;
    private final Topics topics;
    private final TaskProcessor processor;
    private final CancelledJobs cancelledJobs;
    private final int threads;
    private final List<AnalyzerThread> running = new ArrayList<>();
    private final AtomicLong processed = new AtomicLong();
    private final boolean exactlyOnce;

    public AnalyzerWorker(MosaicConfig config, Topics topics, TaskProcessor processor) {
        this(config, topics, processor, true);
    }

    /**
     * @param exactlyOnce false only for {@code mosaic chaos --unsafe}: results sent with acks=1 and
     *                    offsets committed after them, without transactions (at least once, and a
     *                    result acknowledged by a cut-off leader alone may be lost)
     */
    public AnalyzerWorker(MosaicConfig config, Topics topics, TaskProcessor processor, boolean exactlyOnce) {
        this.exactlyOnce = exactlyOnce;
        this.config = config;
        this.topics = topics;
        this.processor = processor;
        this.cancelledJobs = new CancelledJobs(config, topics);
        this.threads = config.get(WorkerSettings.THREADS);
    }

    @Override
    public String name() {
        return "analyzer worker (" + threads + " threads)";
    }

    @Override
    public void validate() {
        if (threads < 1) {
            throw new IllegalArgumentException("worker.threads must be at least 1");
        }
    }

    @Override
    public synchronized void start() throws InterruptedException {
        String instance = KafkaClients.instanceId(config);
        cancelledJobs.start();
        CountDownLatch subscribed = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            AnalyzerThread thread = new AnalyzerThread(config, topics, processor, cancelledJobs, instance + "-" + i, processed, subscribed, exactlyOnce);
            running.add(thread);
            thread.start();
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("analyzer threads did not start within 60 s");
        }
    }

    /** Tasks processed by this process so far (results committed). */
    public long processed() {
        return processed.get();
    }

    @Override
    public synchronized void stop() {
        running.forEach(AnalyzerThread::shutdown);
        for (AnalyzerThread thread : running) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
        cancelledJobs.stop();
        processor.close();
    }
}
