package io.mosaic.platform.kafka;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Common settings of every Kafka client Mosaic creates: where the brokers are, a client id that
 * says which process and role it is, and the user's {@code kafka.*} overrides, applied last.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** Base properties for a client of {@code role} (e.g. "analyzer-0"); the caller adds its own. */
    public static Map<String, Object> base(MosaicConfig config, String role) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mosaic-" + role + "-" + instanceId(config));
        return props;
    }

    /**
     * The name of one of Mosaic's consumer groups, Streams application ids or transactional ids:
     * {@code <group.prefix>-<name>}, e.g. {@code mosaic-analyzers}.
     */
    public static String groupId(MosaicConfig config, String name) {
        String prefix = config.get(KafkaSettings.GROUP_PREFIX);
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("group.prefix must be letters, digits, '.', '_' or '-', got '" + prefix + "'");
        }
        return prefix + "-" + name;
    }

    /** Applies the user's {@code kafka.*} settings on top of {@code props}; they win over Mosaic's. */
    public static Map<String, Object> withOverrides(Map<String, Object> props, MosaicConfig config) {
        Map<String, Object> merged = new HashMap<>(props);
        merged.putAll(config.kafkaOverrides());
        return merged;
    }

    /** The version of the Kafka clients on the class path, which the build pins to the project's Kafka version. */
    public static String version() {
        // The clients' own version file; the class that reads it is internal and has moved before.
        try (InputStream in = KafkaClients.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("kafka-clients is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process's name: {@code instance.id}, or host-pid. */
    public static String instanceId(MosaicConfig config) {
        String configured = config.get(KafkaSettings.INSTANCE_ID);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
