package io.mosaic.streams;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application of Mosaic's, run the way every one of them is: exactly once (or,
 * for fault tests only, at least once), internal topics as durable as the pipeline's own, state
 * under {@code state.dir}, failed stream threads replaced, and a clean leave on stop. The
 * aggregator and the dispatcher each run one.
 */
public final class StreamsApp {

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final long COMMIT_INTERVAL_MS = 50;

    private final String name;
    private volatile KafkaStreams streams;
    private volatile Throwable lastFailure;

    /** {@code name} says which application this is in errors and logs ("aggregator"). */
    public StreamsApp(String name) {
        this.name = name;
    }

    /**
     * What every Mosaic Streams application sets, for the application {@code <group.prefix>-<role>}:
     * the base client settings, the processing guarantee, replication of internal topics fitted to
     * {@code replication}, the state directory and where a new application starts reading.
     */
    public static Properties properties(MosaicConfig config, String role, Topics replication, boolean exactlyOnce) throws IOException {
        Properties props = new Properties();
        props.putAll(KafkaClients.base(config, role));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, KafkaClients.groupId(config, role));
        // Read-process-write and the state changelogs commit in one transaction per task: each
        // input record changes the state once, even when an instance dies mid-batch.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        // Changelog and repartition topics are as durable as the pipeline's own topics.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.replicationFactor());
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), String.valueOf(replication.minInSyncReplicas()));
        // Each instance on a host needs its own state directory: two cannot lock the same one.
        // Created here, not by Kafka Streams: the aggregator and the dispatcher start side by side
        // on one directory, and Streams fails when another creates it first.
        String configured = config.get(AggregatorSettings.STATE_DIR);
        Path stateDir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "mosaic-streams", KafkaClients.instanceId(config));
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        // What is folded or let in becomes visible at the commit: every 50 ms rather than the
        // exactly-once default of 100, so a small job's COMPLETED summary (and a task let in by
        // the dispatcher) waits at most 50 ms for it, at the cost of more, smaller transactions.
        if (exactlyOnce) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        }
        // A new application must process every record still in its input topics, not only new ones.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /** Starts {@code topology} and waits until it is RUNNING. */
    public void start(Topology topology, Properties props) throws InterruptedException {
        KafkaStreams s = new KafkaStreams(topology, props);
        CountDownLatch running = new CountDownLatch(1);
        s.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR) {
                log.error("{} entered ERROR state (was {})", name, before);
            }
        });
        s.setUncaughtExceptionHandler(e -> {
            lastFailure = rootCause(e);
            log.error("{} stream thread failed; replacing it", name, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams = s;
        s.start();
        if (!running.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not reach RUNNING within " + START_TIMEOUT.toSeconds() + " s (state " + s.state() + ")"
                    + lastFailure().map(why -> "; its stream threads last failed with " + why).orElse(""));
        }
    }

    /** Why a stream thread last failed, root cause first; empty when none has. */
    public Optional<String> lastFailure() {
        Throwable failure = lastFailure;
        return failure == null ? Optional.empty() : Optional.of(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.NOT_RUNNING : s.state();
    }

    /** The running Kafka Streams instance; null unless started. */
    public KafkaStreams streams() {
        return streams;
    }

    public synchronized void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            streams = null;
            // Leave the group rather than wait for the session timeout: the other instances
            // take over this one's partitions within seconds of a deliberate stop.
            s.close(CloseOptions.timeout(Duration.ofSeconds(30))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
