package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.MosaicCommand;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The documented path on a one-broker cluster, with every setting at its default: topics, an
 * aggregator, a worker and the jobs API as processes of their own, and a job submitted over HTTP
 * that reaches COMPLETED through {@code GET /jobs/{id}}. The default replication factor is 3; the
 * topics and the aggregator's changelog and repartition topics must follow the one broker, or the
 * aggregator never leaves its start-up and the job is never seen.
 */
class SingleBrokerServicesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aJobCompletesOnOneBrokerWithDefaultReplicationSettings() throws Exception {
        SampleImages.SampleSet set = SampleImages.writeSampleSet(dir.resolve("images"), 4, 3);
        List<ServiceProcess> services = new ArrayList<>();
        try (Lifecycles parts = new Lifecycles()) {
            EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(1).build();
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
            parts.startTogether(cluster, registry);
            List<String> connection = List.of("--bootstrap-servers", cluster.bootstrapServers(),
                    "--schema-registry-url", registry.url());

            StringWriter topicsOut = new StringWriter();
            CommandLine topics = new CommandLine(new MosaicCommand()).setOut(new PrintWriter(topicsOut));
            assertThat(topics.execute(concat(List.of("topics", "create"), connection).toArray(String[]::new))).as(topicsOut.toString()).isZero();
            assertThat(topicsOut.toString()).contains("replication 1");

            int aggregatorPort = freePort();
            int apiPort = freePort();
            Map<String, String> roots = Map.of(SourceRoots.FILE_ALLOWED_ROOTS.environmentVariable(), dir.resolve("images").toString());
            services.add(ServiceProcess.start("aggregator", JVM, MosaicCommand.class.getName(), concat(List.of("aggregator",
                    "--http-port", Integer.toString(aggregatorPort), "--set", "state.dir=" + dir.resolve("state")), connection),
                    Map.of(), dir.resolve("logs")));
            services.add(ServiceProcess.start("worker", JVM, MosaicCommand.class.getName(),
                    concat(List.of("worker", "--threads", "2"), connection), roots, dir.resolve("logs")));
            services.add(ServiceProcess.start("jobs-api", JVM, MosaicCommand.class.getName(), concat(List.of("jobs-api",
                    "--http-port", Integer.toString(apiPort), "--aggregator-urls", "http://127.0.0.1:" + aggregatorPort), connection),
                    roots, dir.resolve("logs")));
            String api = "http://127.0.0.1:" + apiPort;
            await("jobs API up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> send("GET", api + "/health", null).statusCode() == 200);

            HttpResponse<String> submitted = send("POST", api + "/jobs", "{\"source\": \"" + set.directory().toUri() + "\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            String jobId = JSON.readTree(submitted.body()).get("jobId").asText();

            JsonNode[] last = new JsonNode[1];
            await("job COMPLETED via GET /jobs/{id}").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                    .failFast("a service stopped", () -> services.stream().anyMatch(s -> !s.isAlive()))
                    .until(() -> {
                        HttpResponse<String> response = send("GET", api + "/jobs/" + jobId, null);
                        last[0] = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
                        return last[0] != null && "COMPLETED".equals(last[0].path("state").asText());
                    });
            assertThat(last[0].get("taskCount").asInt()).isEqualTo(set.taskCount());
            assertThat(last[0].get("succeeded").asInt() + last[0].get("failed").asInt()).isEqualTo(set.taskCount());
        } catch (AssertionError | RuntimeException e) {
            services.forEach(s -> System.out.println("---- " + s + "\n" + s.logTail(40)));
            throw e;
        } finally {
            services.forEach(ServiceProcess::terminate);
            for (ServiceProcess service : services) {
                if (service.awaitExit(Duration.ofSeconds(30)) < 0) {
                    service.kill();
                }
            }
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
