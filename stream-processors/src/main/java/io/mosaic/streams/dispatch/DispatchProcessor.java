package io.mosaic.streams.dispatch;

import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets each job's tasks into the workers' queue a window at a time. Reads two co-partitioned
 * topics keyed by job: the backlog (tasks as submitted) and the results. A job may have at most its
 * window of tasks admitted and without a result; a task that arrives when its job has room (and
 * none of its tasks is held) goes straight through, any other is held in
 * {@value DispatchTopology#HELD_TASKS_STORE} in arrival order and let in as results make room.
 * The queue in front of the workers is first in, first out, so each job's share of them follows
 * its part of that queue, its window: a job submitted behind a large one waits for one window of
 * it, not for all of it (Little's law: time in queue = tasks ahead / throughput).
 *
 * <p>Two lanes, as in a multi-level feedback queue: the first {@code dispatch.express} tasks of
 * each HIGH or NORMAL job go to the express topic, which the workers drain before the tasks topic,
 * so that a small job does not wait even for one window of the big jobs; the rest of a job goes
 * to the tasks topic. Both lanes count against the job's window.
 *
 * <p>Everything happens in the stream task's exactly-once transaction: a held task is let in
 * exactly once (its store entry is deleted in the transaction that writes it to the tasks topic),
 * and a restart resumes from the last commit with stores and input positions that agree.
 *
 * <p>A backlog record that is not a task is passed through at once, unchanged, for the workers to
 * send to the dead-letter topic with the reason, as they do with any unreadable task.
 */
final class DispatchProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(DispatchProcessor.class);
    private static final char SEPARATOR = '\u0000';
    /** Most tasks let in for one job at a time, so that one transaction stays small. */
    static final int MAX_RELEASE = 5_000;

    private final Topics topics;
    private final DispatcherSettings settings;
    private final Set<String> waiting = new LinkedHashSet<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, JobQueue> queues;
    private KeyValueStore<String, byte[]> held;
    private KeyValueStore<String, String> priorities;

    DispatchProcessor(Topics topics, DispatcherSettings settings) {
        this.topics = topics;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.queues = context.getStateStore(DispatchTopology.JOB_QUEUES_STORE);
        this.held = context.getStateStore(DispatchTopology.HELD_TASKS_STORE);
        this.priorities = context.getStateStore(DispatchTopology.PRIORITIES_STORE);
        try (KeyValueIterator<String, JobQueue> all = queues.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.queued() > 0) {
                    waiting.add(entry.key);
                    changed.add(entry.key);
                }
            });
        }
        context.schedule(settings.releaseInterval(), PunctuationType.WALL_CLOCK_TIME, now -> releaseWaiting());
        context.schedule(settings.statusInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (topic.equals(topics.taskBacklog().name())) {
            submitted(record);
        } else {
            resultArrived(record.key());
        }
    }

    private void submitted(Record<String, byte[]> record) {
        ImageTask task;
        try {
            task = topics.taskBacklog().valueSerde().deserializer().deserialize(topics.taskBacklog().name(), record.value());
        } catch (SerializationException e) {
            log.warn("backlog record keyed {} is not a task ({}); passing it to the workers' dead-letter handling", record.key(), e.getMessage());
            context.forward(new Record<String, Object>(record.key(), record.value(), context.currentSystemTimeMs()), DispatchTopology.TASKS_SINK);
            return;
        }
        if (task == null) {
            return;
        }
        String jobId = task.getJobId();
        JobQueue queue = queue(jobId);
        JobPriority priority = priority(jobId);
        if (queue.queued() == 0 && queue.credit(window(priority)) > 0) {
            forward(task.getTaskId(), encode(task), express(priority, queue));
            save(jobId, queue.admit());
        } else {
            held.put(heldKey(jobId, queue.tail()), withTaskId(task.getTaskId(), encode(task)));
            save(jobId, queue.hold());
            waiting.add(jobId);
        }
    }

    private void resultArrived(String jobId) {
        if (jobId == null) {
            return;
        }
        JobQueue known = queues.get(jobId);
        if (known == null) {
            // A job that never went through the dispatcher: nothing of it is held here.
            return;
        }
        JobQueue queue = known.result();
        save(jobId, queue);
        if (queue.queued() == 0) {
            return;
        }
        // Let tasks in a few at a time rather than one per result: fewer store scans, and the
        // punctuator lets in whatever is left within its interval.
        JobPriority priority = priority(jobId);
        int window = window(priority);
        long credit = queue.credit(window);
        if (credit >= Math.min(queue.queued(), settings.releaseBatch(window))) {
            release(jobId, priority, queue, credit);
        }
    }

    private void releaseWaiting() {
        for (String jobId : List.copyOf(waiting)) {
            JobQueue queue = queue(jobId);
            if (queue.queued() == 0) {
                waiting.remove(jobId);
                continue;
            }
            JobPriority priority = priority(jobId);
            long credit = queue.credit(window(priority));
            if (credit > 0) {
                release(jobId, priority, queue, credit);
            }
        }
    }

    /** Lets up to {@code credit} of the job's held tasks in, oldest first. */
    private void release(String jobId, JobPriority priority, JobQueue queue, long credit) {
        int n = (int) Math.min(Math.min(credit, queue.queued()), MAX_RELEASE);
        List<KeyValue<String, byte[]>> next = new ArrayList<>(n);
        // From the head on: the entries before it are deleted, and starting past them spares
        // RocksDB a walk over their tombstones.
        try (KeyValueIterator<String, byte[]> entries = held.range(heldKey(jobId, queue.head()), heldKey(jobId, queue.tail() - 1))) {
            while (next.size() < n && entries.hasNext()) {
                next.add(entries.next());
            }
        }
        JobQueue after = queue;
        for (KeyValue<String, byte[]> entry : next) {
            ByteBuffer value = ByteBuffer.wrap(entry.value);
            byte[] taskId = new byte[value.getInt()];
            value.get(taskId);
            byte[] task = new byte[value.remaining()];
            value.get(task);
            forward(new String(taskId, StandardCharsets.UTF_8), task, express(priority, after));
            held.delete(entry.key);
            after = after.releaseHead();
        }
        if (next.size() < n) {
            // The store and the counts disagree: say so and trust the store, so the job goes on.
            log.error("job {}: expected {} held tasks from #{}, found {}; counting what is there", jobId, n, queue.head(), next.size());
            after = new JobQueue(after.tail(), after.tail(), after.admitted(), after.results());
        }
        save(jobId, after);
        if (after.queued() == 0) {
            waiting.remove(jobId);
        }
    }

    private void publishChanged(long now) {
        for (String jobId : List.copyOf(changed)) {
            JobQueue queue = queues.get(jobId);
            changed.remove(jobId);
            if (queue == null) {
                continue;
            }
            JobPriority priority = priority(jobId);
            JobAdmission admission = JobAdmission.newBuilder()
                    .setJobId(jobId)
                    .setPriority(priority.name())
                    .setQueued(saturated(queue.queued()))
                    .setAdmitted(saturated(queue.admitted()))
                    .setResults(saturated(queue.results()))
                    .setWindow(window(priority))
                    .setUpdatedAt(Instant.ofEpochMilli(now))
                    .build();
            context.forward(new Record<String, Object>(jobId, admission, now), DispatchTopology.ADMISSIONS_SINK);
        }
    }

    private void forward(String taskId, byte[] task, boolean express) {
        // Stamped with the time it enters the workers' queue: lag in seconds measures that queue.
        context.forward(new Record<String, Object>(taskId, task, context.currentSystemTimeMs()),
                express ? DispatchTopology.EXPRESS_SINK : DispatchTopology.TASKS_SINK);
    }

    /** Whether the job's next task goes to the express lane: one of the first of a HIGH or NORMAL job. */
    private boolean express(JobPriority priority, JobQueue queue) {
        return queue.admitted() < settings.express() && priority != JobPriority.BATCH;
    }

    private byte[] encode(ImageTask task) {
        return topics.imageTasks().valueSerde().serializer().serialize(topics.imageTasks().name(), task);
    }

    private JobQueue queue(String jobId) {
        JobQueue queue = queues.get(jobId);
        return queue == null ? JobQueue.EMPTY : queue;
    }

    private void save(String jobId, JobQueue queue) {
        queues.put(jobId, queue);
        changed.add(jobId);
    }

    /** The job's priority from the global store of job records: one lookup, so callers ask once per record. */
    private JobPriority priority(String jobId) {
        return JobPriority.orNormal(priorities.get(jobId));
    }

    private int window(JobPriority priority) {
        return DispatchSettings.window(priority, settings.window());
    }

    /** {@code jobId NUL} and the sequence number in 16 hex digits: a job's held tasks sort in arrival order. */
    static String heldKey(String jobId, long sequence) {
        return jobId + SEPARATOR + HexFormat.of().toHexDigits(sequence);
    }

    private static byte[] withTaskId(String taskId, byte[] task) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Integer.BYTES + id.length + task.length).putInt(id.length).put(id).put(task).array();
    }

    private static int saturated(long count) {
        return (int) Math.min(Integer.MAX_VALUE, count);
    }
}
