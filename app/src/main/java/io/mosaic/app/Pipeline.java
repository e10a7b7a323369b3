package io.mosaic.app;

import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.consumers.source.SourceSettings;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.dashboard.Dashboard;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.kafka.ClusterSize;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.producers.JobSource;
import io.mosaic.producers.JobSources;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.dispatch.DispatcherSettings;
import io.mosaic.streams.dispatch.TaskDispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The whole pipeline in this process, wired once: an embedded Kafka cluster and schema registry,
 * the topics, the aggregator, the report writer, the analyzer workers and, if asked, the dashboard.
 * {@code mosaic demo}, the integration tests and the benchmarks all start it here, so that they
 * measure and check the same thing. {@link #close()} stops everything, newest first.
 */
public final class Pipeline implements AutoCloseable {

    private final Lifecycles parts = new Lifecycles();
    private final Map<String, Path> reports = new ConcurrentHashMap<>();
    private EmbeddedKafkaCluster cluster;
    private EmbeddedSchemaRegistry registry;
    private EmbeddedS3Server objectStore;
    private MosaicConfig config;
    private Topics topics;
    private JobAggregator aggregator;
    private Dashboard dashboard;

    private Pipeline() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public MosaicConfig config() {
        return config;
    }

    public Topics topics() {
        return topics;
    }

    /** The embedded cluster; a pipeline on a cluster of its user's has none. */
    public EmbeddedKafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this pipeline runs on an external cluster, not an embedded one");
        }
        return cluster;
    }

    /** The embedded schema registry; empty for a pipeline on a cluster of its user's. */
    public Optional<EmbeddedSchemaRegistry> registry() {
        return Optional.ofNullable(registry);
    }

    public JobAggregator aggregator() {
        return aggregator;
    }

    /** The dashboard, when the pipeline was built with one. */
    public Optional<Dashboard> dashboard() {
        return Optional.ofNullable(dashboard);
    }

    /** Publishes the images under {@code directory} as one job; {@code jobId} null derives it. */
    public JobSubmitter.SubmittedJob submit(Path directory, String jobId, Progress progress) throws Exception {
        try (JobSubmitter submitter = new JobSubmitter(config, topics)) {
            return submitter.submit(directory, jobId, progress);
        }
    }

    /**
     * Publishes the job {@code source} names: a directory, {@code s3://bucket/prefix} (read from
     * this pipeline's S3 server, when it has one, with its key pair) or a URL-list file.
     */
    public JobSubmitter.SubmittedJob submit(String source, String jobId, Progress progress) throws Exception {
        try (JobSources sources = objectStore == null ? new JobSources(config)
                : new JobSources(objectStoreSettings(), SourceRoots.allowedHosts(config));
             JobSource images = sources.open(source);
             JobSubmitter submitter = new JobSubmitter(config, topics)) {
            return submitter.submit(images, jobId, JobPriority.NORMAL, progress);
        }
    }

    /** The S3 server the pipeline's workers read {@code s3://} images from, when it was built with one. */
    public Optional<EmbeddedS3Server> objectStore() {
        return Optional.ofNullable(objectStore);
    }

    /** The configuration's s3 settings (which point at the S3 server), signed with the server's key pair. */
    private S3Settings objectStoreSettings() {
        return S3Settings.from(config).withCredentials(objectStore.credentials());
    }

    /**
     * Waits until this pipeline's aggregator holds {@code jobId} COMPLETED, handing each summary it
     * sees on the way to {@code progress}, polling every {@code poll}.
     *
     * @throws IllegalStateException when the job has not completed within {@code timeout}
     */
    public JobSummary awaitCompleted(String jobId, Duration timeout, Duration poll, Consumer<JobSummary> progress)
            throws InterruptedException {
        return Poll.find(timeout, poll, () -> {
            Optional<JobSummary> summary = aggregator.localSummary(jobId);
            summary.ifPresent(progress);
            return summary.filter(s -> s.getState() == JobState.COMPLETED);
        }).orElseThrow(() -> new IllegalStateException("job " + jobId + " did not complete within " + timeout.toSeconds()
                + " s; last summary: " + aggregator.localSummary(jobId).map(Object::toString).orElse("none")));
    }

    /** The report of {@code jobId}, once the report writer has written it. */
    public Optional<Path> report(String jobId) {
        return Optional.ofNullable(reports.get(jobId));
    }

    /** Waits for the report of {@code jobId}; empty when it is not written within {@code timeout}. */
    public Optional<Path> awaitReport(String jobId, Duration timeout) throws InterruptedException {
        return Poll.find(timeout, Duration.ofMillis(100), () -> report(jobId));
    }

    @Override
    public void close() {
        parts.close();
    }

    private void start(Builder b) throws Exception {
        try {
            if (b.bootstrapServers == null) {
                cluster = EmbeddedKafkaCluster.builder().brokers(b.brokers).childProcesses(b.childProcesses).build();
                registry = new EmbeddedSchemaRegistry();
                if (b.buckets != null) {
                    objectStore = new EmbeddedS3Server(b.buckets, 0);
                    parts.startTogether(cluster, registry, objectStore);
                } else {
                    parts.startTogether(cluster, registry);
                }
            }
            config = b.configure.apply(baseConfig(b)).build();
            topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(config.schemaRegistryUrl()));
            TopicAdmin.createTopics(config, topics);
            if (!b.services) {
                return;
            }
            // The services depend on the topics only, not on each other: started side by side,
            // each one's group joins and the aggregator's rebalance overlap.
            List<Lifecycle> services = new ArrayList<>();
            aggregator = new JobAggregator(config, topics,
                    b.aggregatorSettings.withNearDuplicateDistance(config.get(AggregatorSettings.NEAR_DUPLICATE_DISTANCE)), true);
            services.add(aggregator);
            services.add(new TaskDispatcher(config, topics, DispatcherSettings.from(config), true));
            ReportWriter reportWriter = new ReportWriter(config, topics);
            reportWriter.onReport(path -> reports.put(jobIdOf(path), path));
            services.add(reportWriter);
            if (b.workers > 0) {
                SourceSettings sources = SourceSettings.from(config);
                if (objectStore != null) {
                    sources = sources.withS3(objectStoreSettings());
                }
                services.add(new AnalyzerWorker(config, topics, Wiring.taskProcessor(config, sources)));
            }
            if (b.dashboard) {
                dashboard = Dashboard.forDemo(config, topics);
                services.add(dashboard);
            }
            parts.startTogether(services.toArray(Lifecycle[]::new));
        } catch (Exception | Error e) {
            parts.close();
            throw e;
        }
    }

    private MosaicConfig.Builder baseConfig(Builder b) {
        MosaicConfig.Builder config = Wiring.config();
        if (b.environment != null) {
            config.environment(b.environment);
        }
        if (cluster != null) {
            config.set(KafkaSettings.BOOTSTRAP_SERVERS, cluster.bootstrapServers())
                    .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                    .replicationFor(b.brokers);
        } else {
            config.set(KafkaSettings.BOOTSTRAP_SERVERS, b.bootstrapServers)
                    .set(KafkaSettings.SCHEMA_REGISTRY_URL, b.schemaRegistryUrl);
        }
        if (objectStore != null) {
            // Every directory of the S3 server's data directory is a bucket the pipeline may read.
            config.set(S3Settings.ALLOWED_BUCKETS, String.join(",", bucketNames(b.buckets)));
            objectStore.clientSettings().forEach(config::set);
        }
        return config
                .set(WorkerSettings.THREADS, Integer.toString(Math.max(1, b.workers)))
                .set(ReportWriter.REPORT_DIR, b.reportDir.toString())
                .set(AggregatorSettings.STATE_DIR, b.workDir.resolve("streams").toString())
                .set(SourceRoots.FILE_ALLOWED_ROOTS, b.images.toAbsolutePath().toString())
                .set(KafkaSettings.INSTANCE_ID, b.instanceId);
    }

    private static List<String> bucketNames(Path dataDir) {
        try (var entries = Files.list(dataDir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the buckets in " + dataDir, e);
        }
    }

    private static String jobIdOf(Path report) {
        String name = report.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    /** What to start; {@link #start()} starts it and returns once every part is ready. */
    public static final class Builder {

        private int brokers = 1;
        private boolean childProcesses;
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private int workers = 4;
        private Path images;
        private Path reportDir;
        private Path workDir;
        private String instanceId = "pipeline";
        private boolean dashboard;
        private boolean services = true;
        private Path buckets;
        private Map<String, String> environment;
        private AggregatorSettings aggregatorSettings = AggregatorSettings.defaults();
        private UnaryOperator<MosaicConfig.Builder> configure = UnaryOperator.identity();

        private Builder() {
        }

        /** 1 or 3 brokers; with 3, every topic has replication factor 3 and min.insync.replicas 2. */
        public Builder brokers(int count) {
            this.brokers = ClusterSize.require(count, "brokers");
            return this;
        }

        /** Runs each Kafka node in a JVM of its own, so that brokers can be killed and restarted. */
        public Builder childProcesses(boolean enabled) {
            this.childProcesses = enabled;
            return this;
        }

        /**
         * Runs on a cluster and registry that are already there instead of embedded ones. Every
         * other setting (replication, topic names, {@code group.prefix}) comes from
         * {@link #configure}: on a shared cluster, give the pipeline names of its own.
         */
        public Builder external(String bootstrapServers, String schemaRegistryUrl) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            this.schemaRegistryUrl = Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            return this;
        }

        /** Analyzer threads, each a consumer of the analyzer group; 0 for none in this process. */
        public Builder workers(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("workers must be 0 or more, got " + count);
            }
            this.workers = count;
            return this;
        }

        /**
         * Also an S3 server (S3Proxy) on {@code dataDir}, whose directories are the buckets the
         * workers may read ({@code source.s3.allowed.buckets}), with its key pair; embedded
         * clusters only. Create the bucket directories before {@link #start()}.
         */
        public Builder objectStore(Path dataDir) {
            this.buckets = dataDir;
            return this;
        }

        /** The only directory workers may read images from. */
        public Builder images(Path directory) {
            this.images = directory;
            return this;
        }

        public Builder reportDir(Path directory) {
            this.reportDir = directory;
            return this;
        }

        /** Where the aggregator keeps its state stores; the caller owns and deletes it. */
        public Builder workDir(Path directory) {
            this.workDir = directory;
            return this;
        }

        /** This process's name in client and transactional ids. */
        public Builder instanceId(String id) {
            this.instanceId = id;
            return this;
        }

        /**
         * Without services: the cluster, the registry and the topics only, for services run as
         * processes of their own. Such a pipeline has no {@link #aggregator()}.
         */
        public Builder services(boolean enabled) {
            this.services = enabled;
            return this;
        }

        /** Also serve the dashboard, sampling every second. */
        public Builder dashboard(boolean enabled) {
            this.dashboard = enabled;
            return this;
        }

        /** {@code MOSAIC_*} variables to apply under the pipeline's own settings. */
        public Builder environment(Map<String, String> variables) {
            this.environment = variables;
            return this;
        }

        public Builder aggregatorSettings(AggregatorSettings settings) {
            this.aggregatorSettings = settings;
            return this;
        }

        /**
         * Adjusts the configuration after the pipeline's own settings, before anything reads it;
         * called again, adds an adjustment after the ones before.
         */
        public Builder configure(UnaryOperator<MosaicConfig.Builder> adjust) {
            UnaryOperator<MosaicConfig.Builder> before = this.configure;
            this.configure = config -> adjust.apply(before.apply(config));
            return this;
        }

        public Pipeline start() throws Exception {
            Objects.requireNonNull(images, "images");
            Objects.requireNonNull(reportDir, "reportDir");
            Objects.requireNonNull(workDir, "workDir");
            Pipeline pipeline = new Pipeline();
            pipeline.start(this);
            return pipeline;
        }
    }
}
