package io.mosaic.platform.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.lifecycle.ChildService;
import io.mosaic.platform.lifecycle.Lifecycle;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry, Apicurio Registry {@value RegistryBundle#VERSION}, run as a child JVM
 * on 127.0.0.1 (or an address it is given) and spoken to through its Confluent-compatible API at {@link #url()}. Schemas live
 * in the child's database, a file in its working directory: they survive {@link #kill()} and
 * {@link #restart()}, as a Confluent registry's survive in its {@code _schemas} topic, and
 * vanish with {@link #stop()}.
 *
 * <p>{@link #start()} unpacks the bundle into the user's cache on first use (see
 * {@link RegistryBundle}), starts the child with its output in a private log file, waits until
 * the API answers, and sets the global compatibility rule to BACKWARD, Confluent's default
 * (Apicurio's is NONE). {@link #stop()} ends the child and deletes its files. A shutdown hook
 * ends the child when this JVM exits normally or on Ctrl-C / SIGTERM; nothing can end it if this
 * JVM is killed with SIGKILL.
 */
public final class EmbeddedSchemaRegistry implements Lifecycle {

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    public static final String API_PATH = "/apis/ccompat/v7";
    /** The bundle runner jar's Main-Class. */
    private static final String RUNNER_MAIN_CLASS = "io.quarkus.runner.GeneratedMain";
    private static final String COMPATIBILITY = "BACKWARD";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final int PORT_ATTEMPTS = 3;
    private static final String LOG_FILE = "registry.log";
    private static final String NAME = "schema registry (Apicurio " + RegistryBundle.VERSION + ")";

    private final String host;
    private final int requestedPort;
    private final Duration startupTimeout;
    private final ObjectMapper json = new ObjectMapper();

    private final ChildService child = new ChildService(NAME, LOG_FILE);
    /** The child {@link #kill()} ended, until {@link #restart()}. */
    private volatile Process killed;
    private volatile int port = -1;

    /** A registry on a free port, allowed {@link #DEFAULT_STARTUP_TIMEOUT} to start. */
    public EmbeddedSchemaRegistry() {
        this(0, DEFAULT_STARTUP_TIMEOUT);
    }

    /**
     * @param port           the port to listen on; 0 picks a free one
     * @param startupTimeout how long {@link #start()} waits for the registry to answer
     */
    public EmbeddedSchemaRegistry(int port, Duration startupTimeout) {
        this(LOOPBACK, port, startupTimeout);
    }

    /**
     * @param host           the address to listen on: 127.0.0.1, or an address of this machine's
     *                       own that other network namespaces reach (an isolated network's bridge)
     * @param port           the port to listen on; 0 picks a free one
     * @param startupTimeout how long {@link #start()} waits for the registry to answer
     */
    public EmbeddedSchemaRegistry(String host, int port, Duration startupTimeout) {
        this.host = java.util.Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        this.startupTimeout = startupTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate() {
        if (requestedPort < 0 || requestedPort > 65535) {
            throw new IllegalArgumentException("schema registry port must be 0 (any free port) or 1-65535, got " + requestedPort);
        }
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("schema registry startup timeout must be positive, got " + startupTimeout);
        }
    }

    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (child.process() != null) {
            throw new IllegalStateException(name() + " is already running at " + url());
        }
        validate();
        long started = System.nanoTime();
        Path home = RegistryBundle.fromSystem().home();
        HttpClient http = probeClient();
        try {
            child.open("mosaic-registry-");
            launchAndAwait(home, http);
            setCompatibility(http);
        } catch (InterruptedException e) {
            stop();
            throw e;
        } catch (IOException | RuntimeException e) {
            String tail = child.logTail();
            stop();
            throw new IllegalStateException(name() + " did not start: " + e.getMessage()
                    + "\n--- last lines of its log ---\n" + tail, e);
        }
        log.info("{} ready at {} in {} ms (pid {})", name(), url(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), child.process().pid());
    }

    /** {@code http://<host>:<port>/apis/ccompat/v7} (127.0.0.1 unless told), the base URL for Confluent-API clients. */
    public String url() {
        return "http://" + host + ":" + port() + API_PATH;
    }

    /** The port the registry listens on. */
    public int port() {
        if (child.process() == null) {
            throw new IllegalStateException(name() + " is not running");
        }
        return port;
    }

    /** The child JVM, for checking it is alive or gone. */
    public ProcessHandle processHandle() {
        Process current = child.process();
        if (current == null) {
            throw new IllegalStateException(name() + " is not running");
        }
        return current.toHandle();
    }

    /** The child's output; deleted by {@link #stop()}. */
    public Path logFile() {
        return child.logFile();
    }

    /** Kills the child as a crash would (SIGKILL), keeping its database and port for {@link #restart()}. */
    public synchronized void kill() {
        killed = child.kill();
    }

    /** Starts a {@link #kill() killed} registry again on its port, with the schemas it had. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (killed == null || child.workDir() == null) {
            throw new IllegalStateException(name() + " was not killed");
        }
        long launched = System.nanoTime();
        launch(RegistryBundle.fromSystem().home(), port);
        killed = null;
        try {
            awaitReady(probeClient(), launched);
        } catch (StartFailure e) {
            throw new IllegalStateException(name() + " did not start again: " + e.getMessage() + "\n--- last lines of its log ---\n" + child.logTail(), e);
        }
        log.info("{} running again at {} after {} ms (pid {})", name(), url(), Duration.ofNanos(System.nanoTime() - launched).toMillis(), child.process().pid());
    }

    /** Whether the child is running: false after {@link #kill()} until {@link #restart()}. */
    public boolean isAlive() {
        Process current = child.process();
        return current != null && current.isAlive() && killed == null;
    }

    @Override
    public synchronized void stop() {
        child.close();
        killed = null;
    }

    /**
     * Picks a port and starts the child until one binds: a free port found here may be taken
     * by someone else before the child binds it.
     */
    private void launchAndAwait(Path home, HttpClient http) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = requestedPort != 0 ? requestedPort : ChildProcesses.freePort(host);
            long launched = System.nanoTime();
            launch(home, port);
            try {
                awaitReady(http, launched);
                return;
            } catch (StartFailure e) {
                boolean portTaken = child.logTail().contains("Port " + port + " seems to be in use");
                if (!portTaken || requestedPort != 0 || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                log.info("Port {} was taken before the schema registry could bind it; trying another", port);
                child.endProcess();
            }
        }
    }

    private void launch(Path home, int httpPort) throws IOException {
        Path workDir = child.workDir();
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        Files.createDirectories(workDir.resolve("data"));
        List<String> command = ChildProcesses.watchedJava(List.of(
                "-Xmx384m",
                "-XX:+UseSerialGC",
                // C1 only: the registry is ready in about half the time on a small machine, and a
                // test registry never runs long enough to profit from C2.
                "-XX:TieredStopAtLevel=1",
                // A registry out of memory should die and be reported, not limp on.
                "-XX:+ExitOnOutOfMemoryError",
                // Vert.x and Quarkus write their scratch files here; stop() deletes them.
                "-Djava.io.tmpdir=" + tmp,
                "-Dquarkus.http.host=" + host,
                "-Dquarkus.http.port=" + httpPort,
                // No authentication, and the OIDC extension never calls its (absent) Keycloak.
                "-Dregistry.auth.enabled=false",
                "-Dquarkus.oidc.tenant-enabled=false",
                // No error reports to Sentry.
                "-Dregistry.enable.sentry=false",
                // Warnings and errors only, so the tail of the log in a start failure shows the
                // cause, not the banner or the audit trail; but Quarkus's own few lines at INFO,
                // among them the one saying where it listens. The bundle reads its levels from
                // LOG_LEVEL and REGISTRY_LOG_LEVEL.
                "-Dquarkus.banner.enabled=false",
                "-DLOG_LEVEL=WARN",
                "-DREGISTRY_LOG_LEVEL=WARN",
                "-Dquarkus.log.category.\"io.quarkus\".level=INFO",
                // Its database in a file rather than in memory, so that a registry killed and
                // started again still knows every schema id it gave. The bundle's pool keeps 20
                // idle connections to that database, sized
                // for production; a handful serves a test or a demo.
                // The bundle's URL is ${REGISTRY_DATASOURCE_URL:jdbc:h2:mem:registry_db} in its prod profile.
                "-DREGISTRY_DATASOURCE_URL=jdbc:h2:file:" + workDir.resolve("data").resolve("registry").toAbsolutePath() + ";WRITE_DELAY=0",
                "-Dquarkus.datasource.jdbc.initial-size=2",
                "-Dquarkus.datasource.jdbc.min-size=2",
                "-Dquarkus.datasource.jdbc.max-size=10"),
                // The runner jar's manifest brings its own lib/ on the class path.
                ChildProcesses.watchdogClasses(workDir.resolve("watchdog")) + File.pathSeparator + home.resolve(RegistryBundle.RUNNER_JAR),
                RUNNER_MAIN_CLASS, List.of());
        // Apicurio reads settings from environment variables with generic names
        // (KAFKA_BOOTSTRAP_SERVERS sends registry events to Kafka, HTTP_PORT, AUTH_ENABLED,
        // LOG_LEVEL): the child keeps none of this JVM's but a few.
        child.launch(command, Map.of());
    }

    private void awaitReady(HttpClient http, long launched) throws StartFailure, InterruptedException {
        long deadline = launched + startupTimeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        while (true) {
            Process running = child.process();
            if (!running.isAlive()) {
                throw new StartFailure("the registry process exited with code " + running.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notListeningYet) {
                // Still starting.
            } catch (IOException e) {
                log.debug("Schema registry not ready yet: {}", e.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("no answer from " + url() + " within " + readable(startupTimeout));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** The client that asks the child whether it answers and sets its compatibility rule. */
    private static HttpClient probeClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private void setCompatibility(HttpClient http) throws IOException, InterruptedException {
        URI config = URI.create(url() + "/config");
        String body = json.createObjectNode().put("compatibility", COMPATIBILITY).toString();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(config)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", CONTENT_TYPE)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IOException("PUT " + config + " answered HTTP " + put.statusCode() + ": " + put.body());
        }
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(config)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String level = get.statusCode() == 200 ? json.readTree(get.body()).path("compatibilityLevel").asText() : "";
        if (!COMPATIBILITY.equals(level)) {
            throw new IOException("compatibility was set to " + COMPATIBILITY + " but GET " + config
                    + " answered HTTP " + get.statusCode() + ": " + get.body());
        }
    }

    private static String readable(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** The child died or never answered; the caller adds the log. */
    private static final class StartFailure extends IOException {
        StartFailure(String message) {
            super(message);
        }
    }
}
