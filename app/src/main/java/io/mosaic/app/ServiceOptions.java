package io.mosaic.app;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every service and tool shares: where Kafka and the registry are, a properties file,
 * and any setting by key. Resolved by {@link MosaicConfig}'s one builder: defaults, then the file,
 * then {@code MOSAIC_*} environment variables, then these flags.
 */
final class ServiceOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka brokers (setting bootstrap.servers; env MOSAIC_BOOTSTRAP_SERVERS; default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-compatible schema registry (setting schema.registry.url; env MOSAIC_SCHEMA_REGISTRY_URL; default http://127.0.0.1:8081).")
    String schemaRegistryUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings (keys as in --set).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Any setting, e.g. --set worker.threads=8 or --set kafka.linger.ms=20; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Log at INFO level (default: warnings only).")
    boolean verbose;

    /**
     * The resolved configuration; the command's own flags override everything else. A flag whose
     * value is null was not given and leaves the setting alone.
     */
    MosaicConfig config(Map<? extends Setting<?>, ?> commandFlags) {
        Logging.configure(verbose);
        Map<String, String> flags = new HashMap<>(settings);
        commandFlags.forEach((setting, value) -> {
            if (value != null) {
                flags.put(setting.key(), value.toString());
            }
        });
        flags.put(KafkaSettings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        flags.put(KafkaSettings.SCHEMA_REGISTRY_URL.key(), schemaRegistryUrl);
        return Wiring.config()
                .file(configFile)
                .environment(System.getenv())
                .flags(flags)
                .build();
    }

    MosaicConfig config() {
        return config(Map.of());
    }

    /** The resolved configuration with one flag of the command's own, null if it was not given. */
    MosaicConfig config(Setting<?> setting, Object value) {
        Map<Setting<?>, Object> flag = new HashMap<>();
        flag.put(setting, value);
        return config(flag);
    }

    static Topics topics(MosaicConfig config) {
        return Topics.create(config.topicSettings(), new SchemaRegistryClient(config.schemaRegistryUrl()));
    }
}
