package io.mosaic.streams.dispatch;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Topics;
import io.mosaic.streams.StreamsApp;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the dispatcher ({@link DispatchTopology}) as Kafka Streams application
 * {@code <group.prefix>-dispatcher}, exactly once. Every aggregator process runs one beside its
 * aggregator: the instances share the backlog's partitions as the aggregators share the results'.
 */
public final class TaskDispatcher implements Lifecycle {

    /** The application id under the default {@code group.prefix}. */
    public static final String APPLICATION_ID = KafkaClients.groupId(MosaicConfig.defaults(), "dispatcher");

    private final MosaicConfig config;
    private final Topics topics;
    private final DispatcherSettings settings;
    private final boolean exactlyOnce;
    private final StreamsApp app = new StreamsApp("dispatcher");

    /** {@code exactlyOnce} false runs at-least-once: only for showing what exactly-once prevents. */
    public TaskDispatcher(MosaicConfig config, Topics topics, DispatcherSettings settings, boolean exactlyOnce) {
        this.config = config;
        this.topics = topics;
        this.settings = settings;
        this.exactlyOnce = exactlyOnce;
    }

    @Override
    public String name() {
        return "task dispatcher";
    }

    @Override
    public void start() throws Exception {
        Topics fitted = TopicAdmin.fitToCluster(config, topics);
        Properties props = StreamsApp.properties(config, "dispatcher", fitted, exactlyOnce);
        // A task or a result is handled as it comes; nothing is gained by waiting for the other topic.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.putAll(config.kafkaOverrides());
        app.start(DispatchTopology.build(topics, settings), props);
    }

    public KafkaStreams.State state() {
        return app.state();
    }

    /** Why a stream thread last failed, root cause first; empty when none has. */
    public Optional<String> lastFailure() {
        return app.lastFailure();
    }

    @Override
    public void stop() {
        app.stop();
    }
}
