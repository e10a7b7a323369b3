package io.mosaic.app.deploy;

import io.mosaic.app.deploy.ComposeFile.Mount;
import io.mosaic.app.deploy.ComposeFile.Service;
import io.mosaic.platform.config.TopicConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Mosaic services of docker-compose.yml as local processes: each replica with exactly the
 * command and environment compose gives its container (the image's {@code ENV} first, then the
 * service's {@code environment}), translated only where a container and a local process must
 * differ:
 *
 * <ul>
 *   <li>a compose host name and port ({@code kafka-1:9092}, {@code schema-registry:8081},
 *       {@code aggregator:7072}) becomes the local address(es) standing in for it; a list that
 *       named three brokers names the local brokers once each;
 *   <li>a mounted container path ({@code /images}, {@code /reports}) becomes the local directory
 *       mounted there, and any other absolute path (the container's own file system, like the
 *       image's state directory) a directory of the replica's own;
 *   <li>{@code --bind 0.0.0.0} becomes 127.0.0.1, and each replica gets an HTTP port of its own
 *       ({@code HEALTH_PORT} follows), since replicas share one host here;
 *   <li>replication factor and {@code min.insync.replicas} shrink to what the local cluster's
 *       brokers can hold;
 *   <li>replicas are capped, so a small machine can run them all.
 * </ul>
 *
 * Anything else that names another compose service has no local stand-in and is an error.
 */
final class LocalDeployment {

    /** Where Kafka and the registry are for the rehearsal. */
    record Infrastructure(String bootstrapServers, String schemaRegistryUrl, int brokers, String s3Endpoint) {

        /** Without an S3 server: a service that reaches the MinIO service is an error. */
        Infrastructure(String bootstrapServers, String schemaRegistryUrl, int brokers) {
            this(bootstrapServers, schemaRegistryUrl, brokers, null);
        }
    }

    /** One replica of a compose service, ready to start as a process. */
    record Replica(String service, int index, List<String> args, Map<String, String> environment, int httpPort, Path filesystem) {

        String name() {
            return service + "-" + index;
        }

        String url() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    private static final Pattern ENDPOINT = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)?([A-Za-z0-9._-]+):(\\d+)(/.*)?$");
    private static final String KAFKA_IMAGE = "apache/kafka:";
    private static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry:";
    private static final String MINIO_IMAGE = "minio/minio:";
    /** {@code ${NAME}} and {@code ${NAME:-default}}, as compose interpolates them; {@code $$} is a dollar. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    private static final Set<String> BIND_FLAGS = Set.of("--bind");

    private final ComposeFile compose;
    private final Map<String, String> imageEnvironment;
    private final Infrastructure infrastructure;
    private final Map<String, Path> volumeSources;
    private final Path filesystems;
    private final int maxReplicas;
    /** {@code host:port} as compose services see it, to the local addresses that stand in for it. */
    private final Map<String, List<String>> endpoints = new HashMap<>();
    private final Map<String, List<Integer>> ports = new LinkedHashMap<>();
    private final Set<String> composeHosts = new LinkedHashSet<>();

    /**
     * @param imageEnvironment the Dockerfile's {@code ENV} for the Mosaic image
     * @param volumeSources    a local directory for each volume source the Mosaic services mount
     *                         ({@code ./images}, {@code ./reports})
     * @param filesystems      where each replica's own container paths go
     * @param freePort         picks a free local port
     */
    LocalDeployment(ComposeFile compose, Map<String, String> imageEnvironment, Infrastructure infrastructure,
                    Map<String, Path> volumeSources, Path filesystems, int maxReplicas, IntSupplier freePort) {
        this.compose = compose;
        this.imageEnvironment = Map.copyOf(imageEnvironment);
        this.infrastructure = infrastructure;
        this.volumeSources = Map.copyOf(volumeSources);
        this.filesystems = filesystems;
        this.maxReplicas = maxReplicas;

        List<String> brokers = List.of(infrastructure.bootstrapServers().split(","));
        URI registry = URI.create(infrastructure.schemaRegistryUrl());
        for (Service service : compose.services()) {
            composeHosts.add(service.name());
            String hostname = service.node().path("hostname").asText(service.name());
            composeHosts.add(hostname);
            if (service.image().startsWith(KAFKA_IMAGE)) {
                for (String listener : service.environment().getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(",")) {
                    Matcher m = ENDPOINT.matcher(listener.trim());
                    if (m.matches()) {
                        endpoints.put(m.group(2) + ":" + m.group(3), brokers);
                    }
                }
            } else if (service.image().startsWith(REGISTRY_IMAGE)) {
                Matcher m = ENDPOINT.matcher(service.environment().getOrDefault("SCHEMA_REGISTRY_LISTENERS", ""));
                if (m.matches()) {
                    // The local registry may serve its Confluent API under a path (Apicurio's /apis/ccompat/v7).
                    List<String> local = List.of(registry.getHost() + ":" + registry.getPort() + registry.getPath().replaceFirst("/$", ""));
                    endpoints.put(service.name() + ":" + m.group(3), local);
                    endpoints.put(hostname + ":" + m.group(3), local);
                }
            } else if (service.image().startsWith(MINIO_IMAGE) && infrastructure.s3Endpoint() != null) {
                URI s3 = URI.create(infrastructure.s3Endpoint());
                int port = service.flag("--address").map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))).orElse(9000);
                endpoints.put(service.name() + ":" + port, List.of(s3.getHost() + ":" + s3.getPort()));
                endpoints.put(hostname + ":" + port, List.of(s3.getHost() + ":" + s3.getPort()));
            } else if (service.isMosaic() && service.httpPort().isPresent()) {
                List<Integer> replicaPorts = new ArrayList<>();
                for (int i = 0; i < replicas(service); i++) {
                    replicaPorts.add(freePort.getAsInt());
                }
                ports.put(service.name(), replicaPorts);
                endpoints.put(service.name() + ":" + service.httpPort().getAsInt(),
                        replicaPorts.stream().map(p -> "127.0.0.1:" + p).toList());
            }
        }
    }

    /** Replicas a small machine runs for {@code service}: as compose says, at most {@code maxReplicas}. */
    int replicas(Service service) {
        return Math.min(service.replicas(), maxReplicas);
    }

    /** The replicas of a Mosaic service, translated for this host. */
    List<Replica> replicas(String serviceName) {
        Service service = compose.service(serviceName);
        if (!service.isMosaic()) {
            throw new IllegalArgumentException(serviceName + " is not a Mosaic service; the local cluster stands in for it");
        }
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < replicas(service); i++) {
            int index = i + 1;
            Path filesystem = filesystems.resolve(service.name() + "-" + index);
            int port = ports.containsKey(service.name()) ? ports.get(service.name()).get(i) : -1;
            replicas.add(new Replica(service.name(), index, args(service, port, filesystem), environment(service, port, filesystem), port, filesystem));
        }
        return replicas;
    }

    private List<String> args(Service service, int port, Path filesystem) {
        List<String> command = service.command();
        String portFlag = service.httpPortFlag().orElse(null);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            String previous = i > 0 ? command.get(i - 1) : "";
            if (BIND_FLAGS.contains(previous) && arg.equals("0.0.0.0")) {
                args.add("127.0.0.1");
            } else if (previous.equals(portFlag)) {
                args.add(Integer.toString(port));
            } else {
                args.add(localize(arg, service, filesystem));
            }
        }
        return args;
    }

    private Map<String, String> environment(Service service, int port, Path filesystem) {
        Map<String, String> env = new LinkedHashMap<>();
        imageEnvironment.forEach((key, value) -> env.put(key, localize(value, service, filesystem)));
        service.environment().forEach((key, value) -> env.put(key, localize(interpolate(value), service, filesystem)));
        if (env.containsKey("HEALTH_PORT")) {
            env.put("HEALTH_PORT", Integer.toString(port));
        }
        int brokers = infrastructure.brokers();
        shrink(env, TopicConfig.REPLICATION_FACTOR.environmentVariable(), brokers);
        shrink(env, TopicConfig.MIN_INSYNC_REPLICAS.environmentVariable(), Math.max(1, brokers - 1));
        return env;
    }

    private static void shrink(Map<String, String> env, String variable, int atMost) {
        String value = env.get(variable);
        if (value != null) {
            env.put(variable, Integer.toString(Math.min(Integer.parseInt(value.trim()), atMost)));
        }
    }

    /**
     * {@code value} as compose interpolates it when none of its variables is set (no {@code .env}):
     * each {@code ${NAME:-default}} its default, each {@code ${NAME}} empty.
     */
    static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group().equals("$$") ? "$" : (m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    /** A value of the command or the environment, each comma-separated element translated. */
    String localize(String value, Service service, Path filesystem) {
        Set<String> elements = new LinkedHashSet<>();
        for (String element : value.split(",", -1)) {
            Matcher m = ENDPOINT.matcher(element.trim());
            if (m.matches() && composeHosts.contains(m.group(2))) {
                String key = m.group(2) + ":" + m.group(3);
                List<String> local = endpoints.get(key);
                if (local == null) {
                    throw new IllegalStateException(service.name() + " reaches " + key + ", which has no local stand-in");
                }
                String scheme = m.group(1) == null ? "" : m.group(1);
                String rest = m.group(4) == null ? "" : m.group(4);
                local.forEach(address -> elements.add(scheme + address + rest));
            } else {
                elements.add(localPath(element, service, filesystem));
            }
        }
        return String.join(",", elements);
    }

    private String localPath(String value, Service service, Path filesystem) {
        if (!value.startsWith("/")) {
            return value;
        }
        for (Mount mount : service.volumes()) {
            if (value.equals(mount.target()) || value.startsWith(mount.target() + "/")) {
                Path source = volumeSources.get(mount.source());
                if (source == null) {
                    throw new IllegalStateException(service.name() + " mounts " + mount.source() + ", which has no local directory");
                }
                return source + value.substring(mount.target().length());
            }
        }
        return filesystem + value;
    }
}
