package io.mosaic.platform.config;

import io.mosaic.schemas.TopicSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The one layered source of Mosaic's settings, resolved in a fixed order: defaults, then a
 * properties file, then {@code MOSAIC_} environment variables, then command-line flags; a later
 * source wins. Each setting is declared once, typed, beside the module that uses it (a
 * {@link Setting} constant in {@code KafkaSettings}, {@code TopicConfig}, {@code WorkerSettings},
 * {@code SourceSettings}, {@code AggregatorSettings}, {@code DashboardSettings}, ...), and read
 * with {@link #get(Setting)}. Keys that start with {@code kafka.} pass straight through to every
 * Kafka client ({@code MOSAIC_KAFKA_SECURITY_PROTOCOL=SSL} sets {@code security.protocol}).
 * Unknown keys in a file or a flag are an error, so a typo never silently falls back to a default.
 */
public final class MosaicConfig {

    static final String ENV_PREFIX = "MOSAIC_";
    static final String KAFKA_PREFIX = "kafka.";

    /**
     * The settings of this package; the rest ({@code S3Settings} and the services') are added with
     * {@link #builder(List)}.
     */
    private static final List<Setting<?>> PLATFORM = concat(KafkaSettings.SETTINGS,
            List.of(SourceRoots.FILE_ALLOWED_ROOTS, SourceRoots.HTTP_ALLOWED_HOSTS), TopicConfig.SETTINGS, DispatchSettings.SETTINGS);

    private final Map<String, String> values;
    private final Map<String, Setting<?>> known;

    private MosaicConfig(Map<String, String> values, Map<String, Setting<?>> known) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.known = known;
    }

    /** A builder that knows platform's settings only; enough for tests and tools that set values directly. */
    public static Builder builder() {
        return new Builder(List.of());
    }

    /** A builder that also knows {@code settings}, so files, flags and the environment may set them. */
    public static Builder builder(List<Setting<?>> settings) {
        return new Builder(settings);
    }

    /** The settings platform itself declares: where Kafka and the registry are, file roots, topics. */
    public static List<Setting<?>> platformSettings() {
        return PLATFORM;
    }

    /** Defaults only; mostly for tests. */
    public static MosaicConfig defaults() {
        return builder().build();
    }

    /** Every setting this configuration knows, in declaration order. */
    public List<Setting<?>> knownSettings() {
        return List.copyOf(known.values());
    }

    /** The value of {@code setting}, or its default; null when neither exists. */
    public <T> T get(Setting<T> setting) {
        return setting.parse(values.getOrDefault(setting.key(), setting.defaultValue()));
    }

    public String bootstrapServers() {
        return get(KafkaSettings.BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return get(KafkaSettings.SCHEMA_REGISTRY_URL);
    }

    public TopicSettings topicSettings() {
        return TopicConfig.from(this);
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
    public MosaicConfig with(Setting<?> setting, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(setting.key(), value);
        return new MosaicConfig(copy, known);
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

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas") || k.endsWith(".key");
    }

    @SafeVarargs
    private static List<Setting<?>> concat(List<Setting<?>>... lists) {
        List<Setting<?>> all = new ArrayList<>();
        for (List<Setting<?>> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    /** Collects the sources in their order of precedence; {@link #build()} resolves and checks them. */
    public static final class Builder {

        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, Setting<?>> known = new LinkedHashMap<>();

        private Builder(List<Setting<?>> settings) {
            for (Setting<?> setting : concat(PLATFORM, settings)) {
                Setting<?> earlier = known.putIfAbsent(setting.key(), setting);
                if (earlier != null && earlier != setting) {
                    throw new IllegalStateException("setting " + setting.key() + " is declared twice");
                }
            }
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
            Map<String, Setting<?>> byVariable = known.values().stream()
                    .collect(Collectors.toMap(Setting::environmentVariable, s -> s));
            new TreeMap<>(environment).forEach((name, value) -> {
                if (!name.startsWith(ENV_PREFIX)) {
                    return;
                }
                Setting<?> setting = byVariable.get(name);
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

        public Builder set(Setting<?> setting, String value) {
            values.put(setting.key(), value);
            return this;
        }

        /**
         * {@code replication.factor} and {@code min.insync.replicas} as they fit a cluster of
         * {@code brokers} ({@link TopicSettings#replicationFactorFor}, {@link TopicSettings#minInsyncReplicasFor}).
         */
        public Builder replicationFor(int brokers) {
            return set(TopicConfig.REPLICATION_FACTOR, String.valueOf(TopicSettings.replicationFactorFor(brokers)))
                    .set(TopicConfig.MIN_INSYNC_REPLICAS, String.valueOf(TopicSettings.minInsyncReplicasFor(brokers)));
        }

        /** The configuration; every value given is parsed now, so a bad one fails here, naming its key. */
        public MosaicConfig build() {
            MosaicConfig config = new MosaicConfig(values, Collections.unmodifiableMap(new LinkedHashMap<>(known)));
            for (Setting<?> setting : known.values()) {
                config.get(setting);
            }
            config.topicSettings();
            return config;
        }

        private void put(String key, String value, String source) {
            String k = key.trim();
            if (!k.startsWith(KAFKA_PREFIX) && !known.containsKey(k)) {
                throw new IllegalArgumentException("unknown setting '" + k + "' in " + source
                        + "; known settings: " + String.join(", ", known.keySet())
                        + ", and kafka.* for any Kafka client setting");
            }
            values.put(k, value.trim());
        }
    }
}
