package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.MosaicCommand;
import io.mosaic.app.deploy.ComposeFile.Service;
import io.mosaic.app.deploy.LocalDeployment.Infrastructure;
import io.mosaic.app.deploy.LocalDeployment.Replica;
import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * A rehearsal of {@code docker compose up} without Docker. Kafka and the schema registry come
 * from a {@link TestBackend} (one embedded broker and the registry child process by default);
 * then every Mosaic service of docker-compose.yml runs as a process of its own, in the order its
 * {@code depends_on} conditions give, with exactly the command and environment compose gives its
 * container, translated for one host by {@link LocalDeployment}. A job posted to the jobs API as
 * the compose file's comment shows must complete with exact counts and a report in the mounted
 * reports folder; the Grafana dashboard's queries must name only metrics the running services
 * export; every service must stop on SIGTERM; nothing may be left running.
 *
 * <p>Prometheus and Grafana are not rehearsed: their configuration is checked in
 * {@link ComposeFileTest} and {@link GrafanaDashboardTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeRehearsalIT {

    /** Two of each replicated service is what two cores bear next to the broker and the registry. */
    private static final int MAX_REPLICAS = 2;
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int LOG_LINES = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each service's output, kept after the run for whoever reads a failure. */
    private static final Path LOG_DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "compose-rehearsal");

    @TempDir
    static Path work;

    private final ComposeFile compose = ComposeFile.read(DeployFiles.composeFile());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, List<Replica>> replicas = new LinkedHashMap<>();
    private final Map<String, List<ServiceProcess>> processes = new LinkedHashMap<>();
    private TestBackend backend;
    /** Stands in for the MinIO service, with its root user as the compose file gives it. */
    private EmbeddedS3Server objectStore;
    private LocalDeployment deployment;
    private Path images;
    private Path reports;
    private SampleImages.SampleSet sample;
    private String jobId;
    private final long startedAt = System.nanoTime();

    @BeforeAll
    void startEveryMosaicServiceOfTheComposeFile() throws Exception {
        backend = TestBackend.start(TestBackend.primary(), 1);
        progress("backend " + backend + " up: " + backend.bootstrapServers() + ", " + backend.schemaRegistryUrl());
        images = Files.createDirectories(work.resolve("images"));
        reports = Files.createDirectories(work.resolve("reports"));
        sample = SampleImages.writeSampleSet(images.resolve("sample"), 6, 4242);
        Map<String, String> minio = compose.service("minio").environment();
        objectStore = new EmbeddedS3Server(null, 0, AwsBasicCredentials.create(
                LocalDeployment.interpolate(minio.get("MINIO_ROOT_USER")), LocalDeployment.interpolate(minio.get("MINIO_ROOT_PASSWORD"))));
        objectStore.start();
        // What the buckets service does: ./images mirrored into the bucket "photos".
        EmbeddedS3Server.copyInto(images, objectStore.createBucket("photos"));
        deployment = new LocalDeployment(compose, DeployFiles.imageEnvironment(),
                new Infrastructure(backend.bootstrapServers(), backend.schemaRegistryUrl(), backend.brokers(), objectStore.endpoint()),
                Map.of("./images", images, "./reports", reports), work.resolve("containers"), MAX_REPLICAS,
                ComposeRehearsalIT::freePort);

        for (Service service : compose.startOrder()) {
            if (!service.isMosaic()) {
                continue;
            }
            awaitDependencies(service);
            List<Replica> serviceReplicas = deployment.replicas(service.name());
            replicas.put(service.name(), serviceReplicas);
            List<ServiceProcess> started = new ArrayList<>();
            processes.put(service.name(), started);
            for (Replica replica : serviceReplicas) {
                Path tmp = Files.createDirectories(replica.filesystem().resolve("tmp"));
                List<String> jvm = new ArrayList<>(JVM_OPTIONS);
                jvm.add("-Djava.io.tmpdir=" + tmp);
                started.add(ServiceProcess.start(replica.name(), jvm, MosaicCommand.class.getName(), replica.args(),
                        replica.environment(), LOG_DIR));
            }
            progress("started " + started);
            if (service.isOneShot()) {
                for (ServiceProcess process : started) {
                    int exit = process.awaitExit(START_TIMEOUT);
                    assertThat(exit).as(process.name() + " runs to completion with exit code 0:\n" + process.logTail(LOG_LINES)).isZero();
                }
                progress(service.name() + " completed");
            }
        }
        for (String service : processes.keySet()) {
            if (!compose.service(service).isOneShot()) {
                awaitHealthy(service);
            }
        }
        progress("every service healthy");
    }

    private void progress(String what) {
        System.out.printf("[rehearsal +%3d s] %s%n", Duration.ofNanos(System.nanoTime() - startedAt).toSeconds(), what);
    }

    @Test
    @Order(1)
    void everyMosaicServiceRunsWithItsReplicas() {
        assertThat(processes.keySet()).containsAll(compose.mosaicServices().stream().map(Service::name).toList());
        assertThat(processes.get("worker")).hasSize(Math.min(MAX_REPLICAS, compose.service("worker").replicas())).hasSizeGreaterThan(1);
        assertThat(processes.get("aggregator")).hasSize(2);
        String topicsLog = processes.get("topics").get(0).log();
        assertThat(topicsLog).contains("mosaic.jobs", "mosaic.image-tasks", "mosaic.image-results", "mosaic.job-summaries");
        for (Map.Entry<String, List<ServiceProcess>> service : processes.entrySet()) {
            if (compose.service(service.getKey()).isOneShot()) {
                continue;
            }
            for (int i = 0; i < service.getValue().size(); i++) {
                ServiceProcess process = service.getValue().get(i);
                assertThat(process.isAlive()).as(process + "\n" + process.logTail(LOG_LINES)).isTrue();
                // An aggregator answers 503 while its group rebalances (the second one joining): healthy again within seconds.
                String health = replicas.get(service.getKey()).get(i).url() + "/health";
                await(process.name() + " healthy").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> status(health) == 200);
            }
        }
    }

    @Test
    @Order(2)
    void aJobPostedToTheJobsApiCompletesWithExactCountsAndAReport() throws IOException {
        Replica api = replicas.get("jobs-api").get(0);
        // As the compose file's comment shows it: a folder under the images mount, by its path in the container.
        String source = deployment.localize("/images/sample", compose.service("jobs-api"), api.filesystem());
        assertThat(source).isEqualTo(sample.directory().toString());

        HttpResponse<String> submitted = post(api.url() + "/jobs", JSON.createObjectNode().put("source", source).toString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(submitted.body());
        jobId = accepted.path("jobId").asText();
        assertThat(jobId).isNotBlank();
        assertThat(accepted.path("taskCount").asInt()).isEqualTo(sample.taskCount());

        progress("job " + jobId + " submitted: " + accepted);
        JsonNode summary = awaitCompleted(api, jobId);
        progress("job " + jobId + " completed: " + summary);
        assertThat(summary.path("taskCount").asInt()).isEqualTo(sample.taskCount());
        assertThat(summary.path("succeeded").asInt()).isEqualTo(sample.images());
        assertThat(summary.path("failed").asInt()).isEqualTo(sample.broken());

        for (Replica aggregator : replicas.get("aggregator")) {
            JsonNode answer = summary(aggregator.url() + "/jobs/" + jobId);
            for (String field : List.of("jobId", "state", "taskCount", "succeeded", "failed")) {
                assertThat(answer.path(field)).as(aggregator.name() + " answers " + field + " as the jobs API does").isEqualTo(summary.path(field));
            }
        }
        JsonNode listed = JSON.readTree(get(api.url() + "/jobs").body());
        assertThat(listed.path("jobs").findValuesAsText("jobId")).contains(jobId);

        Path report = reports.resolve(jobId + ".json");
        await("report " + report).atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(report));
        JsonNode written = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> JSON.readTree(report.toFile()), r -> r.has("images"));
        assertThat(written.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(written.path("taskCount").asInt()).isEqualTo(sample.taskCount());
        assertThat(written.path("succeeded").asInt()).isEqualTo(sample.images());
        assertThat(written.path("failed").asInt()).isEqualTo(sample.broken());
        assertThat(written.path("images")).hasSize(sample.taskCount());
    }

    @Test
    @Order(3)
    void aJobOfTheSameImagesInTheBucketCompletesWithExactCounts() throws IOException {
        Replica api = replicas.get("jobs-api").get(0);
        // As the compose file's comment shows it: a folder of the bucket the buckets service fills from ./images.
        HttpResponse<String> submitted = post(api.url() + "/jobs", JSON.createObjectNode().put("source", "s3://photos/sample").toString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(submitted.body());
        String s3Job = accepted.path("jobId").asText();
        assertThat(accepted.path("taskCount").asInt()).isEqualTo(sample.taskCount());
        assertThat(accepted.path("skipped").asInt()).as("the same other files as the folder, no folder markers").isEqualTo(sample.nonImages());
        JsonNode summary = awaitCompleted(api, s3Job);
        progress("job " + s3Job + " from the bucket completed: " + summary);
        assertThat(summary.path("source").asText()).isEqualTo("s3://photos/sample/");
        assertThat(summary.path("succeeded").asInt()).isEqualTo(sample.images());
        assertThat(summary.path("failed").asInt()).isEqualTo(sample.broken());
    }

    /** The job's summary from the jobs API once it is COMPLETED; the services' logs if it does not complete in time. */
    private JsonNode awaitCompleted(Replica api, String jobId) {
        try {
            return await("job " + jobId + " COMPLETED").atMost(JOB_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> summary(api.url() + "/jobs/" + jobId), s -> s.path("state").asText().equals("COMPLETED"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nThe services' logs:\n" + logTails(), e);
        }
    }

    @Test
    @Order(4)
    void theGrafanaDashboardQueriesOnlyMetricsTheServicesExport() {
        Map<String, String> serviceOfJob = prometheusJobs();
        Set<PromQl.Selector> selectors = GrafanaDashboard.read().selectors();
        assertThat(selectors).isNotEmpty();
        for (PromQl.Selector selector : selectors) {
            String job = selector.equalTo("job");
            if (job != null) {
                assertThat(serviceOfJob).as("Prometheus job of " + selector).containsKey(job);
                assertThat(replicas).as("the service Prometheus job " + job + " scrapes").containsKey(serviceOfJob.get(job));
            }
        }

        // The dashboard service's lag series appear after its first round of offsets following the job.
        await("every metric the dashboard queries").atMost(METRICS_TIMEOUT).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(missingMetrics(selectors, serviceOfJob))
                        .as(() -> "exported by no service; their logs:\n" + logTails()).isEmpty());
        progress("every metric of the Grafana dashboard exported");
    }

    @AfterAll
    void stopEverythingAndLeaveNothingRunning() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        List<ServiceProcess> all = new ArrayList<>();
        processes.values().forEach(all::addAll);
        Collections.reverse(all);
        try {
            // As docker compose stop does: SIGTERM to every container, then a grace period each.
            all.forEach(ServiceProcess::terminate);
            for (ServiceProcess process : all) {
                if (process.awaitExit(STOP_GRACE) == -1) {
                    problems.add(process + " did not stop within " + STOP_GRACE.toSeconds() + " s of SIGTERM:\n" + process.logTail(LOG_LINES));
                    process.kill();
                }
            }
        } finally {
            progress("services stopped");
            if (backend != null) {
                backend.close();
            }
            if (objectStore != null) {
                objectStore.stop();
            }
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::info).toList())
                .as("child processes left running").isEmpty();
        assertThat(problems).isEmpty();
    }

    private void awaitDependencies(Service service) {
        service.dependsOn().forEach((dependency, condition) -> {
            if (!compose.service(dependency).isMosaic()) {
                return;  // Kafka and the registry: the backend is up and answering already.
            }
            assertThat(processes).as(service.name() + " starts after " + dependency).containsKey(dependency);
            if (condition.equals("service_healthy")) {
                awaitHealthy(dependency);
            }
        });
    }

    private void awaitHealthy(String service) {
        List<Replica> serviceReplicas = replicas.get(service);
        for (int i = 0; i < serviceReplicas.size(); i++) {
            Replica replica = serviceReplicas.get(i);
            ServiceProcess process = processes.get(service).get(i);
            await(replica.name() + " healthy").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError(process + " stopped before it was healthy:\n" + process.logTail(LOG_LINES));
                }
                return status(replica.url() + "/health") == 200;
            });
            progress(replica.name() + " healthy");
        }
    }

    private String logTails() {
        StringBuilder tails = new StringBuilder();
        processes.values().forEach(list -> list.forEach(p -> tails.append("--- ").append(p).append('\n').append(p.logTail(20)).append('\n')));
        return tails.toString();
    }

    /** Prometheus job name to the compose service it scrapes, from prometheus.yml. */
    private static Map<String, String> prometheusJobs() {
        Map<String, String> services = new HashMap<>();
        for (JsonNode job : DeployFiles.readYaml(DeployFiles.prometheusConfig()).path("scrape_configs")) {
            String name = job.path("job_name").asText();
            job.path("static_configs").forEach(c -> c.path("targets").forEach(t -> services.put(name, t.asText().split(":")[0])));
            job.path("dns_sd_configs").forEach(c -> c.path("names").forEach(n -> services.put(name, n.asText())));
        }
        return services;
    }

    /** Each selector whose metric no service it may come from exports, with where it was looked for. */
    private List<String> missingMetrics(Set<PromQl.Selector> selectors, Map<String, String> serviceOfJob) {
        Map<String, Set<String>> exported = new LinkedHashMap<>();
        replicas.forEach((service, serviceReplicas) -> {
            if (compose.service(service).isOneShot()) {
                return;
            }
            Set<String> names = new TreeSet<>();
            serviceReplicas.forEach(r -> names.addAll(sampleNames(get(r.url() + "/metrics").body())));
            exported.put(service, names);
        });
        List<String> missing = new ArrayList<>();
        for (PromQl.Selector selector : selectors) {
            String job = selector.equalTo("job");
            Set<String> from = job != null ? Set.of(serviceOfJob.get(job)) : exported.keySet();
            if (from.stream().noneMatch(s -> exported.getOrDefault(s, Set.of()).contains(selector.metric()))) {
                missing.add(selector.metric() + " (looked in " + from + ")");
            }
        }
        return missing;
    }

    /** The metric names of the samples in a Prometheus text exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private JsonNode summary(String url) throws IOException {
        HttpResponse<String> response = get(url);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode().put("status", response.statusCode());
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private HttpResponse<String> post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
