package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.app.MosaicCommand;
import io.mosaic.app.deploy.ComposeFile.Mount;
import io.mosaic.app.deploy.ComposeFile.Service;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.testing.TestBackend;
import io.mosaic.producers.api.JobsApi;
import io.mosaic.streams.AggregatorSettings;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * docker-compose.yml without Docker: valid against the Compose Specification's schema, and
 * holding the deployment's promises (three KRaft brokers at the project's Kafka version,
 * replication 3 with 2 in sync, Confluent's registry configured as it needs, scaled workers, two
 * aggregators with a standby, health checks and start order, read-only images, loopback ports,
 * every service scraped by Prometheus).
 */
class ComposeFileTest {

    private static final ComposeFile COMPOSE = ComposeFile.read(DeployFiles.composeFile());
    private static final String KAFKA_IMAGE = "apache/kafka";
    private static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry";

    @Test
    void validatesAgainstTheComposeSpecification() {
        assertThat(ComposeSchema.violations(COMPOSE.tree())).isEmpty();
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                Arguments.of("replicas outside deploy", "$.services.worker: property 'replicas' is not defined",
                        (Consumer<JsonNode>) tree -> service(tree, "worker").put("replicas", 3)),
                Arguments.of("a depends_on condition Compose does not know", "depends_on.topics.condition",
                        (Consumer<JsonNode>) tree -> ((ObjectNode) service(tree, "jobs-api").path("depends_on").path("topics"))
                                .put("condition", "service_ready")),
                Arguments.of("a mistyped top-level key", "$: property 'service' is not defined",
                        (Consumer<JsonNode>) tree -> ((ObjectNode) tree).set("service", tree.path("services").deepCopy())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void theSameValidatorRejectsABrokenCopy(String fault, String named, Consumer<JsonNode> breakIt) {
        JsonNode broken = COMPOSE.tree().deepCopy();
        breakIt.accept(broken);

        assertThat(ComposeSchema.violations(broken)).as(fault).isNotEmpty()
                .anySatisfy(message -> assertThat(message).contains(named));
    }

    @Test
    void mergeKeysAreResolvedBeforeValidating() {
        JsonNode merged = DeployFiles.readYaml(new StringReader("""
                x-base: &base
                  image: busybox
                  restart: "no"
                services:
                  a:
                    <<: *base
                    command: ["true"]
                """));

        assertThat(merged.path("services").path("a").path("image").asText()).isEqualTo("busybox");
        assertThat(merged.path("services").path("a").has("<<")).isFalse();
        assertThat(ComposeSchema.violations(merged)).isEmpty();
    }

    @Test
    void threeKraftBrokersAtTheProjectsKafkaVersion() {
        List<Service> brokers = brokers();
        String kafkaVersion = DeployFiles.rootPomProperty("kafka.version");

        assertThat(brokers).hasSize(3).allSatisfy(broker -> assertThat(broker.image()).isEqualTo(KAFKA_IMAGE + ":" + kafkaVersion));
        assertThat(TestBackend.KAFKA_IMAGE).as("the containers backend runs the same brokers").isEqualTo(KAFKA_IMAGE + ":" + kafkaVersion);

        Set<String> voters = new HashSet<>();
        for (Service broker : brokers) {
            Map<String, String> env = broker.environment();
            String nodeId = env.get("KAFKA_NODE_ID");
            String host = broker.node().path("hostname").asText(broker.name());
            assertThat(env.get("KAFKA_PROCESS_ROLES")).as(broker.name()).contains("broker").contains("controller");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(broker.name()).isEqualTo("PLAINTEXT://" + host + ":9092");
            voters.add(nodeId + "@" + host + ":9093");
            assertThat(Set.of(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(","))).as("every broker votes in the same quorum")
                    .isEqualTo(Set.copyOf(Arrays.asList(brokers.get(0).environment().get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(","))));
            assertThat(env).as(broker.name()).doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT")
                    .containsEntry("CLUSTER_ID", brokers.get(0).environment().get("CLUSTER_ID"));
            // The image formats storage with it; anything but a base64 UUID stops the broker at start.
            assertThatCode(() -> Uuid.fromString(env.get("CLUSTER_ID"))).as(broker.name() + " CLUSTER_ID").doesNotThrowAnyException();
        }
        assertThat(voters).as("node ids and host names of the brokers").hasSize(3)
                .isEqualTo(Set.of(brokers.get(0).environment().get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")));
    }

    @Test
    void replicationIsThreeWithTwoInSync() {
        for (Service broker : brokers()) {
            assertThat(broker.environment()).as(broker.name())
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
        }
        assertThat(COMPOSE.mosaicServices()).isNotEmpty().allSatisfy(service -> assertThat(service.environment()).as(service.name())
                .containsEntry(TopicConfig.REPLICATION_FACTOR.environmentVariable(), "3")
                .containsEntry(TopicConfig.MIN_INSYNC_REPLICAS.environmentVariable(), "2"));
    }

    @Test
    void theSchemaRegistryIsConfluentsConfiguredAsItNeeds() {
        List<Service> registries = COMPOSE.services().stream().filter(s -> s.image().startsWith(REGISTRY_IMAGE + ":")).toList();
        assertThat(registries).hasSize(1);
        Service registry = registries.get(0);
        Map<String, String> env = registry.environment();

        assertThat(registry.image()).as("the containers backend runs the same registry").isEqualTo(TestBackend.SCHEMA_REGISTRY_IMAGE);
        assertThat(env).containsKey("SCHEMA_REGISTRY_HOST_NAME")
                .containsEntry("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .doesNotContainKey("SCHEMA_REGISTRY_PORT");
        assertThat(Set.of(env.get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS").split(",")))
                .isEqualTo(brokers().stream().map(b -> "PLAINTEXT://" + b.node().path("hostname").asText(b.name()) + ":9092").collect(Collectors.toSet()));
        assertThat(COMPOSE.mosaicServices()).allSatisfy(service -> assertThat(service.environment())
                .containsEntry(KafkaSettings.SCHEMA_REGISTRY_URL.environmentVariable(), "http://" + registry.name() + ":8081"));
    }

    @Test
    void everyMosaicVariableNamesARealSetting() {
        Set<String> known = io.mosaic.app.Wiring.settings().stream().map(Setting::environmentVariable).collect(Collectors.toSet());
        for (Service service : COMPOSE.mosaicServices()) {
            // MosaicConfig ignores an unknown MOSAIC_ variable, so a typo here would silently fall back to a default.
            assertThat(service.environment().keySet()).as(service.name())
                    .filteredOn(name -> name.startsWith("MOSAIC_") && !name.startsWith("MOSAIC_KAFKA_"))
                    .allSatisfy(name -> assertThat(known).as("settings known to MosaicConfig").contains(name));
            assertThat(service.environment().get(KafkaSettings.BOOTSTRAP_SERVERS.environmentVariable())).as(service.name())
                    .isEqualTo(brokers().stream().map(b -> b.node().path("hostname").asText(b.name()) + ":9092").collect(Collectors.joining(",")));
        }
    }

    @Test
    void everyMosaicCommandParsesAsTheCommandLineDefinesIt() {
        assertThat(COMPOSE.mosaicServices()).hasSizeGreaterThanOrEqualTo(6);
        for (Service service : COMPOSE.mosaicServices()) {
            String[] args = service.command().toArray(String[]::new);
            assertThatCode(() -> new CommandLine(new MosaicCommand()).parseArgs(args)).as(service.name() + ": " + service.command())
                    .doesNotThrowAnyException();
        }
        assertThat(COMPOSE.mosaicServices().stream().map(s -> s.command().get(0)))
                .contains("topics", "jobs-api", "worker", "aggregator", "reports", "dashboard");
    }

    @Test
    void workersScaleOutAndTwoAggregatorsKeepAStandby() {
        assertThat(COMPOSE.service("worker").replicas()).isGreaterThan(1);
        Service aggregator = COMPOSE.service("aggregator");
        assertThat(aggregator.replicas()).isEqualTo(2);
        assertThat(aggregator.environment()).containsEntry(AggregatorSettings.STANDBY_REPLICAS.environmentVariable(), "1");
        assertThat(COMPOSE.service("jobs-api").environment().get(JobsApi.AGGREGATOR_URLS.environmentVariable()))
                .isEqualTo("http://aggregator:" + aggregator.httpPort().orElseThrow());
    }

    @Test
    void healthChecksTellWhenEachServiceIsReady() {
        for (Service service : longRunning()) {
            if (service.name().equals("prometheus") || service.name().equals("grafana")) {
                continue;
            }
            assertThat(service.healthcheck()).as(service.name() + " has a health check").isPresent();
        }
        for (Service service : COMPOSE.mosaicServices()) {
            if (service.isOneShot()) {
                continue;
            }
            String port = Integer.toString(service.httpPort().orElseThrow(() -> new AssertionError(service.name() + " has no --http-port")));
            assertThat(service.environment()).as(service.name() + ": the health check asks the port the service listens on")
                    .containsEntry("HEALTH_PORT", port);
            assertThat(String.join(" ", healthTest(service))).as(service.name())
                    .contains("/health").contains("${HEALTH_PORT}").contains("127.0.0.1");
        }
    }

    @Test
    void dependenciesStartServicesInOrder() {
        Map<String, Service> byName = new LinkedHashMap<>();
        COMPOSE.services().forEach(s -> byName.put(s.name(), s));
        for (Service service : byName.values()) {
            service.dependsOn().forEach((dependency, condition) -> {
                Service target = byName.get(dependency);
                assertThat(target).as(service.name() + " depends on " + dependency).isNotNull();
                if (condition.equals("service_healthy")) {
                    assertThat(target.healthcheck()).as(dependency + " must have a health check for " + service.name()).isPresent();
                }
                if (condition.equals("service_completed_successfully")) {
                    assertThat(target.isOneShot()).as(dependency + " must run once for " + service.name()).isTrue();
                }
            });
        }
        assertThat(COMPOSE.startOrder()).as("dependencies without a cycle").hasSize(byName.size());

        Service topics = oneShotMosaicService();
        assertThat(topics.command()).containsExactly("topics", "create");
        assertThat(byName.get("schema-registry").dependsOn()).isEqualTo(
                brokers().stream().collect(Collectors.toMap(Service::name, b -> "service_healthy", (a, b) -> a, LinkedHashMap::new)));
        assertThat(topics.dependsOn()).containsEntry("schema-registry", "service_healthy");
        for (Service service : COMPOSE.mosaicServices()) {
            if (!service.isOneShot()) {
                assertThat(service.dependsOn()).as(service.name() + " starts once the topics exist")
                        .containsEntry(topics.name(), "service_completed_successfully");
            }
        }
    }

    @Test
    void imagesAreMountedReadOnlyAndReportsWhereTheUserFindsThem() {
        for (String reader : List.of("jobs-api", "worker")) {
            Service service = COMPOSE.service(reader);
            assertThat(service.volumes()).as(reader + " reads the images").contains(new Mount("./images", "/images", true));
            assertThat(service.environment()).as(reader + " reads files under the mount only")
                    .containsEntry(SourceRoots.FILE_ALLOWED_ROOTS.environmentVariable(), "/images");
        }
        assertThat(COMPOSE.services().stream().flatMap(s -> s.volumes().stream()).filter(m -> m.source().equals("./images")))
                .isNotEmpty().allSatisfy(mount -> assertThat(mount.readOnly()).as(mount.toString()).isTrue());

        Service reports = COMPOSE.service("reports");
        String reportDir = reports.flag("--report-dir").orElseThrow();
        assertThat(reports.volumes()).contains(new Mount("./reports", reportDir, false));
    }

    @Test
    void theImageReadersFetchFromTheMinioServiceWithItsRootUserAndOnlyTheBucketItFills() {
        Service minio = COMPOSE.service("minio");
        assertThat(minio.image()).startsWith("minio/minio:RELEASE.");
        assertThat(minio.ports()).contains("127.0.0.1:9000:9000").allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
        assertThat(minio.healthcheck()).isPresent();
        Map<String, String> root = minio.environment();
        assertThat(root).containsKeys("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD");

        Service buckets = COMPOSE.service("buckets");
        assertThat(buckets.isOneShot()).isTrue();
        assertThat(buckets.dependsOn()).containsEntry("minio", "service_healthy");
        String script = String.join(" ", buckets.command());
        assertThat(script).contains("mc mb --ignore-existing local/photos", "mc mirror --overwrite /images local/photos");
        assertThat(buckets.volumes()).contains(new Mount("./images", "/images", true));
        assertThat(buckets.environment()).containsAllEntriesOf(root);

        for (String reader : List.of("jobs-api", "worker")) {
            Map<String, String> env = COMPOSE.service(reader).environment();
            assertThat(env).as(reader)
                    .containsEntry(S3Settings.ENDPOINT.environmentVariable(), "http://minio:9000")
                    .containsEntry(S3Settings.ALLOWED_BUCKETS.environmentVariable(), "photos")
                    .containsEntry("AWS_ACCESS_KEY_ID", root.get("MINIO_ROOT_USER"))
                    .containsEntry("AWS_SECRET_ACCESS_KEY", root.get("MINIO_ROOT_PASSWORD"))
                    // The merge of both anchors keeps the Kafka settings too.
                    .containsKey(KafkaSettings.BOOTSTRAP_SERVERS.environmentVariable());
        }
        assertThat(COMPOSE.service("aggregator").environment()).as("only the image readers hold the store's key")
                .doesNotContainKey("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void publishedPortsListenOnLoopbackOnly() {
        List<String> ports = COMPOSE.services().stream().flatMap(s -> s.ports().stream()).toList();

        assertThat(ports).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
        assertThat(COMPOSE.service("jobs-api").ports()).contains("127.0.0.1:7070:7070");
    }

    @Test
    void prometheusScrapesEveryMosaicService() {
        JsonNode prometheus = DeployFiles.readYaml(DeployFiles.prometheusConfig());
        Set<String> staticTargets = new HashSet<>();
        Set<String> discoveredTargets = new HashSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
            job.path("static_configs").forEach(c -> c.path("targets").forEach(t -> staticTargets.add(t.asText())));
            job.path("dns_sd_configs").forEach(c -> c.path("names").forEach(n -> discoveredTargets.add(n.asText() + ":" + c.path("port").asInt())));
        }
        for (Service service : COMPOSE.mosaicServices()) {
            if (service.isOneShot()) {
                continue;
            }
            String target = service.name() + ":" + service.httpPort().orElseThrow();
            // A static target reaches one replica; DNS discovery reaches each of them.
            assertThat(service.replicas() > 1 ? discoveredTargets : staticTargets).as("Prometheus scrapes " + target).contains(target);
        }
        Service prometheusService = COMPOSE.service("prometheus");
        assertThat(prometheusService.volumes()).contains(new Mount("./deploy/prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml", true));
    }

    @Test
    void grafanaReadsTheRepositorysProvisioningAndDashboards() {
        Service grafana = COMPOSE.service("grafana");
        String provisioning = mountTarget(grafana, "./deploy/grafana/provisioning");
        String dashboards = mountTarget(grafana, "./deploy/grafana/dashboards");

        assertThat(provisioning).isEqualTo("/etc/grafana/provisioning");
        JsonNode providers = DeployFiles.readYaml(DeployFiles.grafanaProvisioning().resolve("dashboards/mosaic.yml"));
        assertThat(providers.path("providers").get(0).path("options").path("path").asText()).isEqualTo(dashboards);
        JsonNode datasources = DeployFiles.readYaml(DeployFiles.grafanaProvisioning().resolve("datasources/prometheus.yml"));
        assertThat(datasources.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(COMPOSE.service("prometheus").ports()).contains("127.0.0.1:9090:9090");
    }

    private static String mountTarget(Service service, String source) {
        return service.volumes().stream().filter(m -> m.source().equals(source)).map(Mount::target).findFirst()
                .orElseThrow(() -> new AssertionError(service.name() + " does not mount " + source));
    }

    private static List<Service> brokers() {
        return COMPOSE.services().stream().filter(s -> s.image().startsWith(KAFKA_IMAGE + ":")).toList();
    }

    private static List<Service> longRunning() {
        return COMPOSE.services().stream().filter(s -> !s.isOneShot()).toList();
    }

    private static Service oneShotMosaicService() {
        List<Service> oneShots = COMPOSE.mosaicServices().stream().filter(Service::isOneShot).toList();
        assertThat(oneShots).hasSize(1);
        return oneShots.get(0);
    }

    private static List<String> healthTest(Service service) {
        JsonNode test = service.healthcheck().orElseThrow().path("test");
        List<String> parts = new ArrayList<>();
        if (test.isTextual()) {
            parts.add(test.asText());
        } else {
            test.forEach(p -> parts.add(p.asText()));
        }
        // Compose turns $$ into a literal $ for the shell in the container.
        return parts.stream().map(p -> p.replace("$$", "$")).toList();
    }

    private static ObjectNode service(JsonNode tree, String name) {
        return (ObjectNode) tree.path("services").path(name);
    }
}
