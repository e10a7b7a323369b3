package io.mosaic.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.schemas.registry.SchemaRegistryUnavailableException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddedSchemaRegistryIT {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistryIT.class);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void startsWithBackwardCompatibilityAndLeavesNothingBehindWhenStopped() throws Exception {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
        try {
            long before = System.nanoTime();
            registry.start();
            log.info("Schema registry started in {} ms", Duration.ofNanos(System.nanoTime() - before).toMillis());

            int port = registry.port();
            assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + port + "/apis/ccompat/v7");

            HttpResponse<String> config = get(registry.url() + "/config");
            assertThat(config.statusCode()).isEqualTo(200);
            assertThat(json.readTree(config.body()).path("compatibilityLevel").asText()).isEqualTo("BACKWARD");

            HttpResponse<String> subjects = get(registry.url() + "/subjects");
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(json.readTree(subjects.body()).isArray()).isTrue();

            ProcessHandle child = registry.processHandle();
            assertThat(child.isAlive()).isTrue();
            assertThat(child.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
            Path logFile = registry.logFile();
            assertThat(logFile).isRegularFile();
            assertThat(Files.readString(logFile)).contains("Listening on: http://127.0.0.1:" + port);

            long stopping = System.nanoTime();
            registry.stop();
            log.info("Schema registry stopped in {} ms", Duration.ofNanos(System.nanoTime() - stopping).toMillis());

            assertThat(child.isAlive()).isFalse();
            assertThat(isListening(port)).isFalse();
            assertThat(logFile.getParent()).doesNotExist();
            assertThatThrownBy(registry::url).isInstanceOf(IllegalStateException.class);
            registry.stop();
        } finally {
            registry.stop();
        }
    }

    @Test
    void aKilledRegistryIsUnavailableUntilRestartedAndThenKnowsEverySchemaIdItGave() throws Exception {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
        try {
            registry.start();
            Schema schema = SchemaBuilder.record("Probe").namespace("io.mosaic.test").fields().requiredString("name").endRecord();
            int id = new SchemaRegistryClient(registry.url()).register("probe-value", schema);
            long pid = registry.processHandle().pid();

            registry.kill();
            assertThat(registry.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            // A fresh client: nothing cached, so it must ask the server, which is gone.
            assertThatThrownBy(() -> new SchemaRegistryClient(registry.url(), Duration.ofSeconds(2)).schemaById(id))
                    .isInstanceOf(SchemaRegistryUnavailableException.class);

            registry.restart();
            assertThat(registry.isAlive()).isTrue();
            assertThat(registry.processHandle().pid()).isNotEqualTo(pid);
            assertThat(new SchemaRegistryClient(registry.url()).schemaById(id)).isEqualTo(schema);
            Schema other = SchemaBuilder.record("Other").namespace("io.mosaic.test").fields().requiredLong("n").endRecord();
            assertThat(new SchemaRegistryClient(registry.url()).register("other-value", other)).as("a new id, not a reused one").isNotEqualTo(id);
        } finally {
            registry.stop();
        }
    }

    @Test
    void failedStartReportsTheRegistryLogAndLeavesNoChild() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            List<Long> childrenBefore = registryChildren();
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(port, Duration.ofSeconds(90));
            try {
                assertThatThrownBy(registry::start)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("exited")
                        // From the registry's own log, not from our code.
                        .hasMessageContaining("Port " + port + " seems to be in use");
                assertThat(registryChildren()).isEqualTo(childrenBefore);
                assertThatThrownBy(registry::logFile).isInstanceOf(IllegalStateException.class);
            } finally {
                registry.stop();
            }
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isListening(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** Live children of this JVM that run the registry's jar. */
    private static List<Long> registryChildren() {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> child.info().commandLine().orElse("").contains(RegistryBundle.RUNNER_JAR))
                .map(ProcessHandle::pid)
                .toList();
    }

    @Test
    void theRegistryEndsWhenTheJvmThatStartedItIsKilled() throws Exception {
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RegistryParentMain.class.getName())
                .redirectErrorStream(true).start();
        long registryPid = -1;
        Path registryDir = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            while (registryPid < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("registry-dir=")) {
                    registryDir = Path.of(line.substring("registry-dir=".length()));
                }
                if (line.startsWith("registry-pid=")) {
                    registryPid = Long.parseLong(line.substring("registry-pid=".length()));
                }
            }
            assertThat(registryPid).as("the parent started a registry").isPositive();
            ProcessHandle registryProcess = ProcessHandle.of(registryPid).orElseThrow();

            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            // SIGKILL runs no shutdown hook in the parent: only the child's own watch can end it.
            await("the orphaned registry ends").atMost(Duration.ofSeconds(40)).until(() -> !registryProcess.isAlive());
        } finally {
            parent.destroyForcibly();
            if (registryPid > 0) {
                ProcessHandle.of(registryPid).ifPresent(ProcessHandle::destroyForcibly);
            }
            // The killed parent could not delete its registry's working directory: the test does.
            if (registryDir != null) {
                RegistryBundle.deleteRecursively(registryDir);
            }
        }
    }
}
