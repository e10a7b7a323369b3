package io.mosaic.streams;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Runs the job aggregator topology ({@link JobAggregatorTopology}) as Kafka Streams application
 * {@code mosaic-aggregator}, exactly once.
 *
 * <p>Reads {@code mosaic.jobs} (key jobId) and {@code mosaic.image-results} (key jobId); writes
 * {@code mosaic.job-summaries} (key jobId) and, when a job completes, {@code
 * mosaic.near-duplicate-groups} (key jobId). State stores (RocksDB, with changelog topics
 * replicated like every other topic): the summaries, the task ids already counted, and the
 * perceptual hashes of each job.
 */
public final class JobAggregator implements Lifecycle {

    /** The application id under the default {@code group.prefix}. */
    public static final String APPLICATION_ID = KafkaClients.groupId(MosaicConfig.defaults(), "aggregator");

    private final MosaicConfig config;
    private final Topics topics;
    private final AggregatorSettings settings;
    private final boolean exactlyOnce;
    private final Supplier<String> advertisedUrl;
    private final StreamsApp app = new StreamsApp("aggregator");
    private volatile HostInfo applicationServer;

    /**
     * {@code exactlyOnce} false runs at-least-once: only for showing what exactly-once prevents.
     * Interactive queries reach this instance at {@code aggregator.advertised.url}, if set.
     */
    public JobAggregator(MosaicConfig config, Topics topics, AggregatorSettings settings, boolean exactlyOnce) {
        this(config, topics, settings, exactlyOnce, () -> config.get(AggregatorSettings.ADVERTISED_URL));
    }

    /**
     * As above, with the URL other instances reach this one's query endpoints at asked for only
     * at {@link #start()}: a server started on port 0 knows its port only once it runs. A null URL
     * leaves {@code application.server} unset (no queries across instances).
     */
    public JobAggregator(MosaicConfig config, Topics topics, AggregatorSettings settings, boolean exactlyOnce,
                         Supplier<String> advertisedUrl) {
        this.config = config;
        this.topics = topics;
        this.settings = settings;
        this.exactlyOnce = exactlyOnce;
        this.advertisedUrl = advertisedUrl;
    }

    /** {@code http://host:port} as Kafka Streams' {@code application.server}, which holds no scheme. */
    public static HostInfo hostInfo(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + url + "'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("an aggregator URL is http://host:port, got '" + url + "'");
        }
        return new HostInfo(uri.getHost(), uri.getPort());
    }

    @Override
    public String name() {
        return "job aggregator";
    }

    @Override
    public void validate() {
        String url = config.get(AggregatorSettings.ADVERTISED_URL);
        if (url != null && !url.isBlank()) {
            hostInfo(url);
        }
        if (config.get(AggregatorSettings.STANDBY_REPLICAS) < 0) {
            throw new IllegalArgumentException(AggregatorSettings.STANDBY_REPLICAS.key() + " must be 0 or more, got "
                    + config.get(AggregatorSettings.STANDBY_REPLICAS));
        }
    }

    @Override
    public void start() throws Exception {
        String url = advertisedUrl.get();
        applicationServer = url == null || url.isBlank() ? null : hostInfo(url);
        // Changelog and repartition topics need a factor the cluster can hold, or Streams retries forever.
        Topics fitted = TopicAdmin.fitToCluster(config, topics);
        app.start(JobAggregatorTopology.build(new StreamsBuilder(), topics, settings), streamsConfig(fitted));
    }

    /** Why a stream thread last failed, root cause first; empty when none has. */
    public Optional<String> lastFailure() {
        return app.lastFailure();
    }

    Properties streamsConfig(Topics replication) throws java.io.IOException {
        Properties props = StreamsApp.properties(config, "aggregator", replication, exactlyOnce);
        // Fold whatever has arrived rather than wait, each time one input partition of a task is
        // empty, for a fetch to say it is caught up: a result may be folded before its job's
        // record, which the fold expects (the job stays PENDING until its record comes).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        if (applicationServer != null) {
            // Every instance learns where the others serve queries, so any of them can route a
            // job's query to the instance that holds the job's partition.
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer.host() + ":" + applicationServer.port());
        }
        // Standby replicas keep a warm copy of each store on another instance: when the owner
        // goes, the survivor answers queries from its copy at once and takes over without
        // restoring the whole changelog.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.get(AggregatorSettings.STANDBY_REPLICAS));
        props.putAll(config.kafkaOverrides());
        return props;
    }

    /** The summary of {@code jobId} from this instance's local store, if this instance holds it. */
    public Optional<JobSummary> localSummary(String jobId) {
        KafkaStreams s = app.streams();
        if (s == null) {
            return Optional.empty();
        }
        try {
            ReadOnlyKeyValueStore<String, JobSummary> store = s.store(StoreQueryParameters.fromNameAndType(
                    JobAggregatorTopology.JOB_SUMMARIES_STORE, QueryableStoreTypes.keyValueStore()));
            return Optional.ofNullable(store.get(jobId));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    public KafkaStreams.State state() {
        return app.state();
    }

    /** The running Kafka Streams instance, for interactive queries; null unless started. */
    public KafkaStreams kafkaStreams() {
        return app.streams();
    }

    /** Where this instance serves queries ({@code application.server}); null when not advertised. */
    public HostInfo applicationServer() {
        return applicationServer;
    }

    @Override
    public void stop() {
        app.stop();
    }
}
