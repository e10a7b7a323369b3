package io.mosaic.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The deployment files at the repository root, found from wherever the build runs the tests. */
final class DeployFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    /** The repository root: the nearest directory, upwards from the working directory, with docker-compose.yml and mvnw. */
    static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docker-compose.yml")) && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        throw new IllegalStateException("no docker-compose.yml next to mvnw in " + dir + " or above");
    }

    static Path composeFile() {
        return root().resolve("docker-compose.yml");
    }

    static Path prometheusConfig() {
        return root().resolve("deploy/prometheus/prometheus.yml");
    }

    static Path grafanaDashboard() {
        return root().resolve("deploy/grafana/dashboards/mosaic.json");
    }

    static Path grafanaProvisioning() {
        return root().resolve("deploy/grafana/provisioning");
    }

    /**
     * A YAML file as a JSON tree, with anchors, aliases and merge keys ({@code <<: *name})
     * resolved as Compose resolves them: SnakeYAML's safe constructor merges mappings, whereas a
     * plain YAML-to-JSON reading would keep {@code <<} as a key and fail the schema.
     */
    static JsonNode readYaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return readYaml(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static JsonNode readYaml(Reader reader) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        return JSON.valueToTree(document);
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The environment the Dockerfile's last stage (the image the services run) sets with
     * {@code ENV KEY=VALUE ...} or {@code ENV KEY VALUE}.
     */
    static Map<String, String> imageEnvironment() {
        List<String> lines;
        try {
            lines = Files.readAllLines(root().resolve("Dockerfile"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") && current.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String instruction : instructions) {
            String[] words = instruction.split("\\s+", 2);
            if (words[0].equalsIgnoreCase("FROM")) {
                env.clear();
            } else if (words[0].equalsIgnoreCase("ENV") && words.length == 2) {
                if (words[1].contains("=")) {
                    for (String pair : words[1].split("\\s+")) {
                        String[] kv = pair.split("=", 2);
                        env.put(kv[0], kv[1].replaceAll("^\"|\"$", ""));
                    }
                } else {
                    String[] kv = words[1].split("\\s+", 2);
                    env.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
        }
        return env;
    }

    /** A property of the root pom, where every version of the build lives. */
    static String rootPomProperty(String name) {
        try {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(root().resolve("pom.xml").toFile()).getDocumentElement();
            Element properties = (Element) project.getElementsByTagName("properties").item(0);
            return properties.getElementsByTagName(name).item(0).getTextContent().trim();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read property " + name + " of the root pom", e);
        }
    }
}
