package io.mosaic.platform.config;

import io.mosaic.schemas.TopicSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Mosaic's settings, resolved once in a fixed order: defaults, then a properties file, then
 * {@code MOSAIC_} environment variables, then command-line flags; a later source wins. Keys that
 * start with {@code kafka.} pass straight through to every Kafka client
 * ({@code MOSAIC_KAFKA_SECURITY_PROTOCOL=SSL} sets {@code security.protocol}). Unknown keys in a
 * file or a flag are an error, so a typo never silently falls back to a default.
 */
public final class MosaicConfig {

    static final String ENV_PREFIX = "MOSAIC_";
    static final String KAFKA_PREFIX = "kafka.";

    public static final Setting BOOTSTRAP_SERVERS = new Setting("bootstrap.servers", "127.0.0.1:9092", "Kafka brokers to connect to");
    public static final Setting SCHEMA_REGISTRY_URL = new Setting("schema.registry.url", "http://127.0.0.1:8081", "Confluent-compatible schema registry");
    public static final Setting TOPIC_JOBS = new Setting("topic.jobs", "mosaic.jobs", "topic of job records");
    public static final Setting TOPIC_JOBS_PARTITIONS = new Setting("topic.jobs.partitions", "6", "partitions of the jobs topic");
    public static final Setting TOPIC_TASKS = new Setting("topic.tasks", "mosaic.image-tasks", "topic of image tasks");
    public static final Setting TOPIC_TASKS_PARTITIONS = new Setting("topic.tasks.partitions", "12", "partitions of the tasks topic: the most analyzer threads that can share the work");
    public static final Setting TOPIC_RESULTS = new Setting("topic.results", "mosaic.image-results", "topic of image results");
    public static final Setting TOPIC_RESULTS_PARTITIONS = new Setting("topic.results.partitions", "12", "partitions of the results topic: the most aggregator tasks");
    public static final Setting TOPIC_SUMMARIES = new Setting("topic.summaries", "mosaic.job-summaries", "topic of job summaries");
    public static final Setting TOPIC_SUMMARIES_PARTITIONS = new Setting("topic.summaries.partitions", "12", "partitions of the summaries topic");
    public static final Setting TOPIC_DLQ = new Setting("topic.dlq", "mosaic.image-tasks.dlq", "dead-letter topic for task records that cannot be read");
    public static final Setting TOPIC_DLQ_PARTITIONS = new Setting("topic.dlq.partitions", "3", "partitions of the dead-letter topic");
    public static final Setting TOPIC_NEAR_DUPLICATE_GROUPS = new Setting("topic.near.duplicate.groups", "mosaic.near-duplicate-groups", "topic of completed jobs' near-duplicate groups, in chunks");
    public static final Setting TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS = new Setting("topic.near.duplicate.groups.partitions", null, "partitions of the near-duplicate groups topic (default: as many as the results topic)");
    public static final Setting REPLICATION_FACTOR = new Setting("replication.factor", "3", "replicas of every topic (3 on a 3-broker cluster, 1 on one broker)");
    public static final Setting MIN_INSYNC_REPLICAS = new Setting("min.insync.replicas", "2", "replicas that must acknowledge a write (2 of 3: one broker may fail)");
    public static final Setting WORKER_THREADS = new Setting("worker.threads", "4", "analyzer threads per worker process, each a consumer of the analyzer group");
    public static final Setting ANALYSIS_MAX_BYTES = new Setting("analysis.max.bytes", "67108864", "largest image file analysed, in bytes");
    public static final Setting ANALYSIS_MAX_PIXELS = new Setting("analysis.max.pixels", "100000000", "largest image analysed, in pixels, read from the header before decoding");
    public static final Setting ANALYSIS_BLUR_THRESHOLD = new Setting("analysis.blur.threshold", null, "sharpness under which an image is blurry (default: the analyzer's measured default)");
    public static final Setting NEAR_DUPLICATE_DISTANCE = new Setting("analysis.near.duplicate.distance", "10", "largest Hamming distance between perceptual hashes of near-duplicates");
    public static final Setting ANALYSIS_TIMEOUT_MS = new Setting("analysis.timeout.ms", "10000", "longest time the analysis of one image may take, reading included, in milliseconds; a longer one fails with \"analysis timed out\"");
    public static final Setting FILE_ALLOWED_ROOTS = new Setting("source.file.allowed.roots", null, "comma-separated directories that file: sources must lie under; unset, workers read any local file and warn at start (mosaic demo sets it to its images directory)");
    public static final Setting HTTP_ALLOWED_HOSTS = new Setting("source.http.allowed.hosts", null, "comma-separated host names http: and https: sources may be fetched from, any port (default: none, so http sources are off)");
    public static final Setting HTTP_CONNECT_TIMEOUT_MS = new Setting("source.http.connect.timeout.ms", "3000", "longest wait to open a connection to an http source, in milliseconds");
    public static final Setting HTTP_REQUEST_TIMEOUT_MS = new Setting("source.http.request.timeout.ms", "15000", "longest wait for one whole download (redirects, headers and body), in milliseconds");
    public static final Setting RETRY_MAX_ATTEMPTS = new Setting("source.retry.max.attempts", "4", "attempts to fetch an image, the first included, when errors are transient (I/O, timeout, HTTP 5xx or 429); 1 turns retries off");
    public static final Setting RETRY_INITIAL_BACKOFF_MS = new Setting("source.retry.initial.backoff.ms", "500", "nominal wait before the first retry, in milliseconds; doubled for each further retry up to source.retry.max.backoff.ms, each wait then less a random share of up to half (jitter)");
    public static final Setting RETRY_MAX_BACKOFF_MS = new Setting("source.retry.max.backoff.ms", "8000", "longest wait between two attempts, in milliseconds");
    public static final Setting BREAKER_FAILURE_RATE_PERCENT = new Setting("source.breaker.failure.rate.percent", "50", "share of a host's recent fetches that failed transiently, in percent, at which its circuit opens");
    public static final Setting BREAKER_WINDOW_CALLS = new Setting("source.breaker.window.calls", "20", "how many of a host's most recent fetches the failure rate is measured over");
    public static final Setting BREAKER_MINIMUM_CALLS = new Setting("source.breaker.minimum.calls", "10", "fetches from a host before its failure rate can open the circuit");
    public static final Setting BREAKER_OPEN_MS = new Setting("source.breaker.open.ms", "30000", "how long an open circuit fails fetches from its host fast, in milliseconds, before a few trial fetches may close it");
    public static final Setting REPORT_DIR = new Setting("report.dir", "reports", "where job reports are written");
    public static final Setting STATE_DIR = new Setting("state.dir", null, "Kafka Streams state directory (default: a directory under the system temp dir)");
    public static final Setting INSTANCE_ID = new Setting("instance.id", null, "this process's name in client ids and transactional ids (default: host-pid)");
    public static final Setting AGGREGATOR_ADVERTISED_URL = new Setting("aggregator.advertised.url", null, "URL at which other aggregator instances and the jobs API reach this aggregator's HTTP endpoints, e.g. http://aggregator-1:7072; it becomes Kafka Streams' application.server (default: http://<bind address>:<HTTP port>, the host name when bound to 0.0.0.0)");
    public static final Setting AGGREGATOR_STANDBY_REPLICAS = new Setting("aggregator.standby.replicas", "0", "warm copies of each aggregator state store kept on other aggregator instances (num.standby.replicas): with 1 and two instances, the survivor of a failure answers queries from its copy at once");
    public static final Setting AGGREGATOR_URLS = new Setting("aggregator.urls", "http://127.0.0.1:7072", "comma-separated base URLs of aggregator instances the jobs API asks for job summaries, tried in turn until one answers");
    public static final Setting DASHBOARD_BIND = new Setting("dashboard.bind", "127.0.0.1", "address the dashboard listens on (0.0.0.0 inside a container)");
    public static final Setting DASHBOARD_PORT = new Setting("dashboard.port", "8080", "port of the dashboard's web page, JSON API and /metrics");
    public static final Setting DASHBOARD_CLUSTER_NAME = new Setting("dashboard.cluster.name", "mosaic", "value of the cluster_name label on the dashboard's Prometheus metrics");
    public static final Setting LAG_INTERVAL_MS = new Setting("lag.interval.ms", "5000", "how often the dashboard reads committed and log-end offsets, in milliseconds");
    public static final Setting LAG_WINDOW = new Setting("lag.window", "10", "offset samples per partition that consumer health is judged over (Burrow's window)");
    public static final Setting LAG_GROUPS = new Setting("lag.groups", ".*", "regular expression: the consumer groups the dashboard monitors");
    public static final Setting ALERT_WEBHOOK_URLS = new Setting("alert.webhook.urls", null, "comma-separated URLs that get a JSON POST when a group stays unhealthy and when it recovers (default: no alerts)");
    public static final Setting ALERT_AFTER_MS = new Setting("alert.after.ms", "60000", "how long a group must stay WARN, STALL or STOP before an alert is sent, in milliseconds");
    public static final Setting ALERT_MIN_INTERVAL_MS = new Setting("alert.min.interval.ms", "300000", "least time between two alerts for the same group, in milliseconds; a recovery is always sent");

    private static final List<Setting> KNOWN = List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL,
            TOPIC_JOBS, TOPIC_JOBS_PARTITIONS, TOPIC_TASKS, TOPIC_TASKS_PARTITIONS, TOPIC_RESULTS,
            TOPIC_RESULTS_PARTITIONS, TOPIC_SUMMARIES, TOPIC_SUMMARIES_PARTITIONS, TOPIC_DLQ,
            TOPIC_DLQ_PARTITIONS, TOPIC_NEAR_DUPLICATE_GROUPS, TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS,
            REPLICATION_FACTOR, MIN_INSYNC_REPLICAS, WORKER_THREADS,
            ANALYSIS_MAX_BYTES, ANALYSIS_MAX_PIXELS, ANALYSIS_BLUR_THRESHOLD, NEAR_DUPLICATE_DISTANCE, ANALYSIS_TIMEOUT_MS,
            FILE_ALLOWED_ROOTS, REPORT_DIR, STATE_DIR, INSTANCE_ID,
            AGGREGATOR_ADVERTISED_URL, AGGREGATOR_STANDBY_REPLICAS, AGGREGATOR_URLS,
            HTTP_ALLOWED_HOSTS, HTTP_CONNECT_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, RETRY_MAX_ATTEMPTS,
            RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, BREAKER_FAILURE_RATE_PERCENT, BREAKER_WINDOW_CALLS,
            BREAKER_MINIMUM_CALLS, BREAKER_OPEN_MS,
            DASHBOARD_BIND, DASHBOARD_PORT, DASHBOARD_CLUSTER_NAME, LAG_INTERVAL_MS, LAG_WINDOW, LAG_GROUPS,
            ALERT_WEBHOOK_URLS, ALERT_AFTER_MS, ALERT_MIN_INTERVAL_MS);

    private final Map<String, String> values;

    private MosaicConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static List<Setting> knownSettings() {
        return KNOWN;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults only; mostly for tests. */
    public static MosaicConfig defaults() {
        return builder().build();
    }

    /** The value of {@code setting}, or its default; null when neither exists. */
    public String get(Setting setting) {
        return values.getOrDefault(setting.key(), setting.defaultValue());
    }

    public int getInt(Setting setting) {
        return (int) parseLong(setting, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public long getLong(Setting setting) {
        return parseLong(setting, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The value as a double, or {@code fallback} when the setting has no value. */
    public double getDouble(Setting setting, double fallback) {
        String raw = get(setting);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting.key() + " must be a number, got '" + raw + "'");
        }
    }

    public String bootstrapServers() {
        return get(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return get(SCHEMA_REGISTRY_URL);
    }

    public TopicSettings topicSettings() {
        return new TopicSettings(
                get(TOPIC_JOBS), getInt(TOPIC_JOBS_PARTITIONS),
                get(TOPIC_TASKS), getInt(TOPIC_TASKS_PARTITIONS),
                get(TOPIC_RESULTS), getInt(TOPIC_RESULTS_PARTITIONS),
                get(TOPIC_SUMMARIES), getInt(TOPIC_SUMMARIES_PARTITIONS),
                get(TOPIC_DLQ), getInt(TOPIC_DLQ_PARTITIONS),
                get(TOPIC_NEAR_DUPLICATE_GROUPS), nearDuplicateGroupsPartitions(),
                (short) getInt(REPLICATION_FACTOR), getInt(MIN_INSYNC_REPLICAS));
    }

    /**
     * Follows the results topic unless set: the aggregator task that folds a job's results writes
     * its groups, so the two topics scale together.
     */
    private int nearDuplicateGroupsPartitions() {
        return get(TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS) == null
                ? getInt(TOPIC_RESULTS_PARTITIONS) : getInt(TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS);
    }

    /** Kafka client settings given as {@code kafka.*}, without the prefix, for every client. */
    public Map<String, Object> kafkaOverrides() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                overrides.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        return overrides;
    }

    /** A copy with {@code setting} set to {@code value}. */
    public MosaicConfig with(Setting setting, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(setting.key(), value);
        return new MosaicConfig(copy);
    }

    /** Every explicitly set value, for display; values of keys that look secret are masked. */
    public Map<String, String> describe() {
        return values.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> looksSecret(e.getKey()) ? "********" : e.getValue(), (a, b) -> b, TreeMap::new));
    }

    @Override
    public String toString() {
        return "MosaicConfig" + describe();
    }

    private long parseLong(Setting setting, long min, long max) {
        String raw = get(setting);
        if (raw == null) {
            throw new IllegalArgumentException(setting.key() + " has no value");
        }
        try {
            long value = Long.parseLong(raw.trim().replace("_", ""));
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting.key() + " must be a whole number, got '" + raw + "'");
        }
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas") || k.endsWith(".key");
    }

    /** Collects the sources in their order of precedence; {@link #build()} resolves them. */
    public static final class Builder {

        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Values from a properties file; unknown keys are an error naming the file. */
        public Builder file(Path path) {
            if (path == null) {
                return this;
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(path)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage(), e);
            }
            for (String key : properties.stringPropertyNames()) {
                put(key, properties.getProperty(key), "config file " + path);
            }
            return this;
        }

        /**
         * Values from {@code MOSAIC_*} environment variables. Variables that name no setting are
         * ignored (the environment is shared with other programs), except {@code MOSAIC_KAFKA_*}.
         */
        public Builder environment(Map<String, String> environment) {
            Map<String, Setting> byVariable = KNOWN.stream()
                    .collect(Collectors.toMap(Setting::environmentVariable, s -> s));
            new TreeMap<>(environment).forEach((name, value) -> {
                if (!name.startsWith(ENV_PREFIX)) {
                    return;
                }
                Setting setting = byVariable.get(name);
                if (setting != null) {
                    values.put(setting.key(), value);
                } else if (name.startsWith(ENV_PREFIX + "KAFKA_")) {
                    values.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
                }
            });
            return this;
        }

        /** Values given as flags, by setting key; null values (flags not given) are skipped. */
        public Builder flags(Map<String, String> flags) {
            flags.forEach((key, value) -> {
                if (value != null) {
                    put(key, value, "flag");
                }
            });
            return this;
        }

        public Builder set(Setting setting, String value) {
            values.put(setting.key(), value);
            return this;
        }

        public MosaicConfig build() {
            MosaicConfig config = new MosaicConfig(values);
            validate(config);
            return config;
        }

        private void put(String key, String value, String source) {
            String k = key.trim();
            if (!k.startsWith(KAFKA_PREFIX) && KNOWN.stream().noneMatch(s -> s.key().equals(k))) {
                throw new IllegalArgumentException("unknown setting '" + k + "' in " + source
                        + "; known settings: " + KNOWN.stream().map(Setting::key).collect(Collectors.joining(", "))
                        + ", and kafka.* for any Kafka client setting");
            }
            values.put(k, value.trim());
        }

        private static void validate(MosaicConfig config) {
            for (Setting s : List.of(TOPIC_JOBS_PARTITIONS, TOPIC_TASKS_PARTITIONS, TOPIC_RESULTS_PARTITIONS,
                    TOPIC_SUMMARIES_PARTITIONS, TOPIC_DLQ_PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS,
                    WORKER_THREADS, ANALYSIS_MAX_BYTES, ANALYSIS_MAX_PIXELS, ANALYSIS_TIMEOUT_MS)) {
                if (config.getLong(s) < 1) {
                    throw new IllegalArgumentException(s.key() + " must be at least 1, got " + config.get(s));
                }
            }
            if (config.nearDuplicateGroupsPartitions() < 1) {
                throw new IllegalArgumentException(TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS.key() + " must be at least 1, got "
                        + config.get(TOPIC_NEAR_DUPLICATE_GROUPS_PARTITIONS));
            }
            if (config.getInt(MIN_INSYNC_REPLICAS) > config.getInt(REPLICATION_FACTOR)) {
                throw new IllegalArgumentException("min.insync.replicas (" + config.get(MIN_INSYNC_REPLICAS)
                        + ") cannot exceed replication.factor (" + config.get(REPLICATION_FACTOR) + ")");
            }
            if (config.getInt(NEAR_DUPLICATE_DISTANCE) < 0 || config.getInt(NEAR_DUPLICATE_DISTANCE) > 32) {
                throw new IllegalArgumentException(NEAR_DUPLICATE_DISTANCE.key() + " must be between 0 and 32, got "
                        + config.get(NEAR_DUPLICATE_DISTANCE));
            }
            config.getDouble(ANALYSIS_BLUR_THRESHOLD, 0);
        }
    }
}
