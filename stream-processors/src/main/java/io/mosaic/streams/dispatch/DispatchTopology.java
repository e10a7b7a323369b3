package io.mosaic.streams.dispatch;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.Topic;
import io.mosaic.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher ({@link DispatchProcessor}).
 *
 * <ul>
 *   <li>Input {@code mosaic.task-backlog}: key jobId, value {@code ImageTask}, as submitted.
 *   <li>Input {@code mosaic.image-results}: key jobId; only the key is read (a result makes room).
 *   <li>Global input {@code mosaic.jobs}: each job's priority, into {@value #PRIORITIES_STORE}.
 *   <li>Output {@code mosaic.image-tasks}: key taskId, the tasks let in.
 *   <li>Output {@code mosaic.image-tasks.express}: key taskId, the first tasks of each HIGH or
 *       NORMAL job, which the workers take first.
 *   <li>Output {@code mosaic.job-admissions}: key jobId, {@code JobAdmission}, when a job's counts change.
 *   <li>Stores (RocksDB, changelogged): {@value #JOB_QUEUES_STORE} (jobId to its {@link JobQueue}),
 *       {@value #HELD_TASKS_STORE} (jobId NUL sequence number to a held task).
 * </ul>
 *
 * <p>The backlog and the results topics have the same number of partitions and the same key, so
 * a job's tasks and its results reach the same stream task, which holds its queue.
 */
public final class DispatchTopology {

    public static final String JOB_QUEUES_STORE = "job-queues-store";
    public static final String HELD_TASKS_STORE = "held-tasks-store";
    public static final String PRIORITIES_STORE = "job-priorities-store";

    static final String TASKS_SINK = "image-tasks-sink";
    static final String EXPRESS_SINK = "express-tasks-sink";
    static final String ADMISSIONS_SINK = "job-admissions-sink";
    private static final String DISPATCH = "dispatch";

    private DispatchTopology() {
    }

    public static Topology build(Topics topics, DispatcherSettings settings) {
        Topic<String, ?> backlog = topics.taskBacklog();
        Topic<String, ?> results = topics.imageResults();
        if (backlog.partitions() != results.partitions()) {
            throw new IllegalArgumentException("the backlog topic " + backlog.name() + " must have as many partitions as the results topic "
                    + results.name() + " (" + backlog.partitions() + " vs " + results.partitions() + ")");
        }
        Topology topology = new Topology();
        topology.addSource("backlog-source", new StringDeserializer(), new ByteArrayDeserializer(), backlog.name());
        topology.addSource("results-source", new StringDeserializer(), new ByteArrayDeserializer(), results.name());
        topology.addProcessor(DISPATCH, () -> new DispatchProcessor(topics, settings), "backlog-source", "results-source");
        // Every task and result rewrites its job's queue: the cache makes that one write and one
        // changelog record per job per commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOB_QUEUES_STORE), Serdes.String(), JobQueue.serde())
                .withCachingEnabled(), DISPATCH);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_TASKS_STORE), Serdes.String(), Serdes.ByteArray()),
                DISPATCH);
        topology.addSink(TASKS_SINK, topics.imageTasks().name(), new StringSerializer(), new ByteArraySerializer(), DISPATCH);
        topology.addSink(EXPRESS_SINK, topics.expressTasks().name(), new StringSerializer(), new ByteArraySerializer(), DISPATCH);
        topology.addSink(ADMISSIONS_SINK, topics.jobAdmissions().name(), new StringSerializer(),
                topics.jobAdmissions().valueSerde().serializer(), DISPATCH);

        Topic<String, ImageJob> jobs = topics.jobs();
        // Read from the topic itself on every start: no changelog needed.
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRIORITIES_STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                "jobs-source", new StringDeserializer(), new ByteArrayDeserializer(), jobs.name(), "job-priorities",
                () -> new PriorityFold(jobs));
        return topology;
    }

    /** Keeps each job's priority from its latest job record. */
    private static final class PriorityFold implements Processor<String, byte[], Void, Void> {

        private static final Logger log = LoggerFactory.getLogger(PriorityFold.class);
        private final Topic<String, ImageJob> jobs;
        private KeyValueStore<String, String> priorities;

        PriorityFold(Topic<String, ImageJob> jobs) {
            this.jobs = jobs;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            priorities = context.getStateStore(PRIORITIES_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                priorities.delete(record.key());
                return;
            }
            try {
                ImageJob job = jobs.valueSerde().deserializer().deserialize(jobs.name(), record.value());
                priorities.put(record.key(), JobPriority.orNormal(job.getPriority()).name());
            } catch (RuntimeException e) {
                log.warn("job record {} cannot be read ({}); its tasks get the NORMAL window", record.key(), e.getMessage());
            }
        }
    }
}
