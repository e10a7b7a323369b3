package io.mosaic.streams;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job aggregator topology ({@link JobAggregatorTopology}) as Kafka Streams application
 * {@code mosaic-aggregator}, exactly once.
 *
 * <p>Reads {@code mosaic.jobs} (key jobId) and {@code mosaic.image-results} (key jobId); writes
 * {@code mosaic.job-summaries} (key jobId). State stores (RocksDB, with changelog topics
 * replicated like every other topic): the summaries, the task ids already counted, and the
 * perceptual hashes of each job.
 */
public final class JobAggregator implements Lifecycle {

    public static final String APPLICATION_ID = "mosaic-aggregator";
    private static final Logger log = LoggerFactory.getLogger(JobAggregator.class);

    private final MosaicConfig config;
    private final Topics topics;
    private final AggregatorSettings settings;
    private final boolean exactlyOnce;
    private KafkaStreams streams;

    /** {@code exactlyOnce} false runs at-least-once: only for showing what exactly-once prevents. */
    public JobAggregator(MosaicConfig config, Topics topics, AggregatorSettings settings, boolean exactlyOnce) {
        this.config = config;
        this.topics = topics;
        this.settings = settings;
        this.exactlyOnce = exactlyOnce;
    }

    @Override
    public String name() {
        return "job aggregator";
    }

    @Override
    public void start() throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        JobAggregatorTopology.build(builder, topics, settings);
        streams = new KafkaStreams(builder.build(), streamsConfig());
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR) {
                log.error("aggregator entered ERROR state (was {})", before);
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("aggregator stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        if (!running.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("aggregator did not reach RUNNING within 120 s (state " + streams.state() + ")");
        }
    }

    Properties streamsConfig() throws java.io.IOException {
        Properties props = new Properties();
        Map<String, Object> base = KafkaClients.base(config, "aggregator");
        props.putAll(base);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        // Read-process-write and the state changelogs commit in one transaction per task: each
        // result is folded into its summary once, even when an instance dies mid-batch.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        // Changelog and repartition topics are as durable as the pipeline's own topics.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), String.valueOf(topics.minInSyncReplicas()));
        String stateDir = config.get(MosaicConfig.STATE_DIR);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir != null ? stateDir
                : Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "mosaic-streams")).toString());
        // A new aggregator must fold every result still in the topics, not only new ones.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.putAll(config.kafkaOverrides());
        return props;
    }

    /** The summary of {@code jobId} from this instance's local store, if this instance holds it. */
    public Optional<JobSummary> localSummary(String jobId) {
        try {
            ReadOnlyKeyValueStore<String, JobSummary> store = streams.store(StoreQueryParameters.fromNameAndType(
                    JobAggregatorTopology.JOB_SUMMARIES_STORE, QueryableStoreTypes.keyValueStore()));
            return Optional.ofNullable(store.get(jobId));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streams = null;
        }
    }
}
