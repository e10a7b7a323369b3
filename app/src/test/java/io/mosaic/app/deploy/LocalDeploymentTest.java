package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.app.deploy.LocalDeployment.Infrastructure;
import io.mosaic.app.deploy.LocalDeployment.Replica;
import io.mosaic.platform.config.TopicConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalDeploymentTest {

    private static final ComposeFile COMPOSE = ComposeFile.read(DeployFiles.composeFile());
    private static final Path IMAGES = Path.of("/tmp/rehearsal/images");
    private static final Path REPORTS = Path.of("/tmp/rehearsal/reports");
    private static final Path FILESYSTEMS = Path.of("/tmp/rehearsal/fs");

    private static LocalDeployment deployment(ComposeFile compose, Infrastructure infrastructure) {
        AtomicInteger ports = new AtomicInteger(41000);
        return new LocalDeployment(compose, DeployFiles.imageEnvironment(), infrastructure,
                Map.of("./images", IMAGES, "./reports", REPORTS), FILESYSTEMS, 2, ports::incrementAndGet);
    }

    private static final LocalDeployment ONE_BROKER = deployment(COMPOSE, new Infrastructure("127.0.0.1:1111", "http://127.0.0.1:2222/apis/ccompat/v7", 1, "http://127.0.0.1:3333"));

    @Test
    void workersKeepTheirCommandAndEnvironmentWithLocalAddressesAndPorts() {
        List<Replica> workers = ONE_BROKER.replicas("worker");

        assertThat(workers).hasSize(2);
        assertThat(workers.get(0).httpPort()).isNotEqualTo(workers.get(1).httpPort());
        for (Replica worker : workers) {
            assertThat(worker.args()).containsExactly("worker", "--bind", "127.0.0.1", "--http-port", Integer.toString(worker.httpPort()));
            assertThat(worker.environment())
                    .containsEntry("MOSAIC_BOOTSTRAP_SERVERS", "127.0.0.1:1111")
                    .containsEntry("MOSAIC_SCHEMA_REGISTRY_URL", "http://127.0.0.1:2222/apis/ccompat/v7")
                    .containsEntry("MOSAIC_SOURCE_FILE_ALLOWED_ROOTS", IMAGES.toString())
                    .containsEntry("HEALTH_PORT", Integer.toString(worker.httpPort()))
                    .containsEntry(TopicConfig.REPLICATION_FACTOR.environmentVariable(), "1")
                    .containsEntry(TopicConfig.MIN_INSYNC_REPLICAS.environmentVariable(), "1")
                    .containsEntry("MOSAIC_WORKER_THREADS", COMPOSE.service("worker").environment().get("MOSAIC_WORKER_THREADS"))
                    .containsEntry("MOSAIC_SOURCE_S3_ENDPOINT", "http://127.0.0.1:3333")
                    .containsEntry("AWS_ACCESS_KEY_ID", "mosaic");
        }
        LocalDeployment withoutStore = deployment(COMPOSE, new Infrastructure("127.0.0.1:1111", "http://127.0.0.1:2222", 1));
        assertThatThrownBy(() -> withoutStore.replicas("worker")).hasMessageContaining("minio:9000, which has no local stand-in");
    }

    @Test
    void variablesTakeTheirDefaultsAsComposeGivesThemWithoutAnEnvFile() {
        assertThat(LocalDeployment.interpolate("${MINIO_ROOT_USER:-mosaic}")).isEqualTo("mosaic");
        assertThat(LocalDeployment.interpolate("a-${UNSET}-b ${X-y} $$HOME")).isEqualTo("a--b y $HOME");
        assertThat(LocalDeployment.interpolate("plain")).isEqualTo("plain");
    }

    @Test
    void eachReplicaKeepsTheImagesOwnPathsInADirectoryOfItsOwn() {
        List<Replica> aggregators = ONE_BROKER.replicas("aggregator");
        String stateDir = DeployFiles.imageEnvironment().get("MOSAIC_STATE_DIR");

        assertThat(stateDir).startsWith("/");
        assertThat(aggregators).hasSize(2).allSatisfy(a -> assertThat(a.environment().get("MOSAIC_STATE_DIR"))
                .isEqualTo(a.filesystem() + stateDir).startsWith(FILESYSTEMS.toString()));
        assertThat(aggregators.get(0).environment().get("MOSAIC_STATE_DIR")).isNotEqualTo(aggregators.get(1).environment().get("MOSAIC_STATE_DIR"));
    }

    @Test
    void theJobsApiAsksEveryLocalAggregatorAndReportsGoToTheMountedFolder() {
        List<Replica> aggregators = ONE_BROKER.replicas("aggregator");

        assertThat(ONE_BROKER.replicas("jobs-api").get(0).environment().get("MOSAIC_AGGREGATOR_URLS"))
                .isEqualTo(aggregators.get(0).url() + "," + aggregators.get(1).url());
        assertThat(ONE_BROKER.replicas("reports").get(0).args()).containsSequence("--report-dir", REPORTS.toString());
    }

    @Test
    void nothingOfTheContainersIsLeft() {
        for (ComposeFile.Service service : COMPOSE.mosaicServices()) {
            for (Replica replica : ONE_BROKER.replicas(service.name())) {
                List<String> values = new java.util.ArrayList<>(replica.args());
                values.addAll(replica.environment().values());
                assertThat(values).as(replica.name()).allSatisfy(value -> assertThat(value)
                        .doesNotContain("kafka-1", "schema-registry", "aggregator:", "0.0.0.0")
                        .doesNotStartWith("/images").doesNotStartWith("/reports").doesNotStartWith("/var/"));
            }
        }
    }

    @Test
    void threeLocalBrokersKeepTheReplicationOfCompose() {
        LocalDeployment three = deployment(COMPOSE, new Infrastructure("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", "http://127.0.0.1:2222", 3, "http://127.0.0.1:3333"));

        assertThat(three.replicas("topics").get(0).environment())
                .containsEntry("MOSAIC_BOOTSTRAP_SERVERS", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3")
                .containsEntry(TopicConfig.REPLICATION_FACTOR.environmentVariable(), "3")
                .containsEntry(TopicConfig.MIN_INSYNC_REPLICAS.environmentVariable(), "2");
    }

    @Test
    void aServiceReachingSomethingWithoutALocalStandInIsAnError() {
        JsonNode tree = COMPOSE.tree().deepCopy();
        ((ObjectNode) tree.path("services").path("worker").path("environment")).put("MOSAIC_ALERT_WEBHOOK_URLS", "http://prometheus:9090/alerts");
        LocalDeployment broken = deployment(ComposeFile.of(tree), new Infrastructure("127.0.0.1:1111", "http://127.0.0.1:2222", 1, "http://127.0.0.1:3333"));

        assertThatThrownBy(() -> broken.replicas("worker")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prometheus:9090");
    }
}
