package io.mosaic.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * docker-compose.yml as Compose reads it: anchors and merge keys resolved, then each service's
 * command, environment, replicas, mounts, ports and dependencies in one normal form, whichever
 * of the short or long syntaxes the file uses.
 */
final class ComposeFile {

    private final JsonNode tree;

    private ComposeFile(JsonNode tree) {
        this.tree = tree;
    }

    static ComposeFile read(Path file) {
        return new ComposeFile(DeployFiles.readYaml(file));
    }

    static ComposeFile of(JsonNode tree) {
        return new ComposeFile(tree);
    }

    /** The resolved document, as the schema sees it. */
    JsonNode tree() {
        return tree;
    }

    List<Service> services() {
        List<Service> services = new ArrayList<>();
        tree.path("services").fields().forEachRemaining(e -> services.add(new Service(e.getKey(), e.getValue())));
        return services;
    }

    Service service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("docker-compose.yml has no service " + name));
    }

    /**
     * The services in an order that starts each after every service it depends on (Kahn's
     * algorithm); a service on a dependency cycle, or depending on a missing one, is left out.
     */
    List<Service> startOrder() {
        List<Service> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Service service : services()) {
                if (!placed.contains(service.name()) && placed.containsAll(service.dependsOn().keySet())) {
                    order.add(service);
                    placed.add(service.name());
                    progress = true;
                }
            }
        }
        return order;
    }

    /** The services that run the Mosaic image, built from the repository's Dockerfile. */
    List<Service> mosaicServices() {
        return services().stream().filter(Service::isMosaic).toList();
    }

    /** A volume in its long form. */
    record Mount(String source, String target, boolean readOnly) {
    }

    record Service(String name, JsonNode node) {

        String image() {
            return node.path("image").asText("");
        }

        /** Built from the repository's Dockerfile: Mosaic itself, as opposed to Kafka, the registry or monitoring. */
        boolean isMosaic() {
            JsonNode build = node.path("build");
            String context = build.isTextual() ? build.asText() : build.path("context").asText("");
            return context.equals(".") || context.equals("./");
        }

        /** Runs once and exits, as opposed to running until stopped. */
        boolean isOneShot() {
            return node.path("restart").asText("no").equals("no");
        }

        List<String> command() {
            JsonNode command = node.path("command");
            if (command.isTextual()) {
                return Arrays.asList(command.asText().trim().split("\\s+"));
            }
            List<String> args = new ArrayList<>();
            command.forEach(arg -> args.add(arg.asText()));
            return args;
        }

        /** The value after {@code flag} in the command, if the flag is given. */
        Optional<String> flag(String flag) {
            List<String> args = command();
            int at = args.indexOf(flag);
            return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
        }

        /** The port of the service's HTTP endpoints: {@code --http-port}, or {@code --port} where a command names it so. */
        OptionalInt httpPort() {
            return httpPortFlag().flatMap(this::flag).map(p -> OptionalInt.of(Integer.parseInt(p))).orElse(OptionalInt.empty());
        }

        Optional<String> httpPortFlag() {
            return Stream.of("--http-port", "--port").filter(f -> command().contains(f)).findFirst();
        }

        /** The environment in its map form; numbers and booleans as the strings the container sees. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode environment = node.path("environment");
            if (environment.isArray()) {
                environment.forEach(entry -> {
                    String[] kv = entry.asText().split("=", 2);
                    env.put(kv[0], kv.length > 1 ? kv[1] : "");
                });
            } else {
                environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
            }
            return env;
        }

        /** {@code deploy.replicas}, 1 when not given. */
        int replicas() {
            return node.path("deploy").path("replicas").asInt(1);
        }

        List<Mount> volumes() {
            List<Mount> mounts = new ArrayList<>();
            node.path("volumes").forEach(volume -> {
                if (volume.isTextual()) {
                    String[] parts = volume.asText().split(":");
                    boolean readOnly = parts.length > 2 && Arrays.asList(parts[2].split(",")).contains("ro");
                    mounts.add(new Mount(parts[0], parts.length > 1 ? parts[1] : parts[0], readOnly));
                } else {
                    mounts.add(new Mount(volume.path("source").asText(), volume.path("target").asText(),
                            volume.path("read_only").asBoolean(false)));
                }
            });
            return mounts;
        }

        /** Published ports, in the short syntax ({@code [host_ip:]host_port:container_port}). */
        List<String> ports() {
            List<String> ports = new ArrayList<>();
            node.path("ports").forEach(port -> ports.add(port.isTextual() ? port.asText()
                    : port.path("host_ip").asText("") + ":" + port.path("published").asText("") + ":" + port.path("target").asText()));
            return ports;
        }

        /** Services this one waits for, each with its condition. */
        Map<String, String> dependsOn() {
            Map<String, String> dependencies = new LinkedHashMap<>();
            JsonNode dependsOn = node.path("depends_on");
            if (dependsOn.isArray()) {
                dependsOn.forEach(name -> dependencies.put(name.asText(), "service_started"));
            } else {
                dependsOn.fields().forEachRemaining(e -> dependencies.put(e.getKey(), e.getValue().path("condition").asText("service_started")));
            }
            return dependencies;
        }

        Optional<JsonNode> healthcheck() {
            JsonNode check = node.path("healthcheck");
            return check.isMissingNode() || check.path("disable").asBoolean(false) ? Optional.empty() : Optional.of(check);
        }
    }
}
