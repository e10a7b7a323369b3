package io.mosaic.platform.s3;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.lifecycle.ChildService;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.lifecycle.Poll;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server, S3Proxy {@value #VERSION} on its filesystem backend, run as a child JVM on
 * 127.0.0.1: each directory under {@link #dataDir()} is a bucket and each file under it an object,
 * so images copied there are objects at once. Requests must be signed (AWS signature v2 or v4)
 * with the key pair made for this server at start; {@link #credentials()} hands it to clients in
 * this JVM and {@link #clientEnvironment()} to child processes, as the {@code AWS_*} variables
 * of the SDK's standard chain. The key pair is written only to the child's properties file, in a
 * private directory, and never logged.
 *
 * <p>The jar ({@code org.gaul:s3proxy:jar-with-dependencies}) is found like the registry's bundle:
 * the {@value #JAR_PROPERTY} system property, the {@value #JAR_ENV} environment variable, beside
 * the jar Mosaic runs from (the build copies it there), or the local Maven repository.
 * {@link #stop()} ends the child and deletes its files (and the data directory, when this server
 * made it); the child also ends itself when this JVM is gone, even by SIGKILL.
 */
public final class EmbeddedS3Server implements Lifecycle {

    public static final String VERSION = "2.6.0";
    static final String JAR_NAME = "s3proxy-" + VERSION + "-jar-with-dependencies.jar";
    static final String JAR_PROPERTY = "mosaic.s3proxy.jar";
    static final String JAR_ENV = "MOSAIC_S3PROXY_JAR";
    private static final String MAIN_CLASS = "org.gaul.s3proxy.Main";
    private static final String HOST = "127.0.0.1";
    private static final String LOG_FILE = "s3proxy.log";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final Path requestedDataDir;
    private final int requestedPort;
    private final AwsBasicCredentials requestedCredentials;
    private final ChildService child = new ChildService(name(), LOG_FILE);
    private volatile Path dataDir;
    private volatile int port = -1;
    private AwsBasicCredentials credentials;

    /** A server on a free port and a data directory of its own, deleted by {@link #stop()}. */
    public EmbeddedS3Server() {
        this(null, 0);
    }

    /**
     * @param dataDir the buckets' directory (one sub-directory per bucket), which {@link #stop()} leaves; null for one of its own
     * @param port the port to listen on; 0 for any free one
     */
    public EmbeddedS3Server(Path dataDir, int port) {
        this(dataDir, port, null);
    }

    /**
     * A server that accepts {@code keyPair} rather than one made at start: a stand-in for a store
     * whose credentials are already written down (a compose file's MinIO root user).
     */
    public EmbeddedS3Server(Path dataDir, int port, AwsBasicCredentials keyPair) {
        this.requestedCredentials = keyPair;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("S3 server port must be 0 (any free port) or 1-65535, got " + port);
        }
        this.requestedDataDir = dataDir;
        this.requestedPort = port;
    }

    @Override
    public String name() {
        return "S3 server (S3Proxy " + VERSION + ")";
    }

    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (child.process() != null) {
            throw new IllegalStateException(name() + " is already running at " + endpoint());
        }
        Path jar = jar();
        long started = System.nanoTime();
        Path workDir = child.open("mosaic-s3-");
        dataDir = requestedDataDir != null ? Files.createDirectories(requestedDataDir) : Files.createDirectories(workDir.resolve("data"));
        SecureRandom random = new SecureRandom();
        credentials = requestedCredentials != null ? requestedCredentials
                : AwsBasicCredentials.create("mosaic-" + hex(random, 6), hex(random, 20));
        try {
            port = requestedPort != 0 ? requestedPort : ChildProcesses.freePort(HOST);
            launch(jar, workDir);
            awaitReady();
        } catch (IOException | RuntimeException e) {
            String tail = child.logTail();
            stop();
            throw new IllegalStateException(name() + " did not start: " + e.getMessage() + "\n--- last lines of its log ---\n" + tail, e);
        } catch (InterruptedException e) {
            stop();
            throw e;
        }
        log.info("{} ready at {} in {} ms (pid {}), buckets in {}", name(), endpoint(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), child.process().pid(), dataDir);
    }

    /** {@code http://127.0.0.1:<port>}, the endpoint override for S3 clients. */
    public String endpoint() {
        requireRunning();
        return "http://" + HOST + ":" + port;
    }

    /** Where the buckets are: one directory each. */
    public Path dataDir() {
        requireRunning();
        return dataDir;
    }

    /** The key pair this server accepts, for clients in this JVM. */
    public StaticCredentialsProvider credentials() {
        requireRunning();
        return StaticCredentialsProvider.create(credentials);
    }

    /** The environment that gives a child process's AWS SDK this server's key pair (the standard chain reads it). */
    public Map<String, String> clientEnvironment() {
        requireRunning();
        return Map.of("AWS_ACCESS_KEY_ID", credentials.accessKeyId(), "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey(),
                "AWS_REGION", S3Settings.FALLBACK_REGION);
    }

    /**
     * An AWS shared credentials file holding this server's key pair as the default profile, readable by
     * its owner only and deleted by {@link #stop()}: point {@code AWS_SHARED_CREDENTIALS_FILE} at it and
     * any AWS SDK or the AWS command line signs for this server, without the secret in a command line.
     */
    public Path credentialsFile() throws IOException {
        requireRunning();
        Path file = child.workDir().resolve("credentials");
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "[default]\naws_access_key_id = " + credentials.accessKeyId()
                    + "\naws_secret_access_key = " + credentials.secretAccessKey() + "\n");
        }
        return file;
    }

    /**
     * The {@code source.s3.*} values that point a client at this server: its endpoint, a region and
     * path-style addressing. Its key pair is not a setting: {@link #credentials()}.
     */
    public Map<Setting<?>, String> clientSettings() {
        requireRunning();
        return Map.of(S3Settings.ENDPOINT, endpoint(), S3Settings.REGION, S3Settings.FALLBACK_REGION, S3Settings.PATH_STYLE, "true");
    }

    /** Settings that read {@code buckets} from this server, signed with its key pair; the rest as configured by default. */
    public S3Settings settings(Set<String> buckets) {
        MosaicConfig.Builder config = MosaicConfig.builder().set(S3Settings.ALLOWED_BUCKETS, String.join(",", buckets));
        clientSettings().forEach(config::set);
        return S3Settings.from(config.build()).withCredentials(credentials());
    }

    /** A bucket, as a directory. */
    public Path createBucket(String bucket) throws IOException {
        new S3Uri(bucket, "", null); // checks the name
        return Files.createDirectories(dataDir().resolve(bucket));
    }

    /**
     * Copies the files under {@code from} into {@code folder}, a bucket's directory in a server's
     * data directory or a folder inside it: what uploading the tree would make. A file already
     * there is not replaced: {@link java.nio.file.FileAlreadyExistsException}.
     */
    public static void copyInto(Path from, Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = folder.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(path)) {
                    Files.copy(path, target);
                }
            }
        }
    }

    /** The child JVM, for checking it is alive or gone. */
    public ProcessHandle processHandle() {
        requireRunning();
        return child.process().toHandle();
    }

    @Override
    public synchronized void stop() {
        child.close();
    }

    private void launch(Path jar, Path workDir) throws IOException {
        Path properties = workDir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://" + HOST + ":" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + credentials.accessKeyId(),
                "s3proxy.credential=" + credentials.secretAccessKey(),
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath(),
                ""));
        List<String> command = ChildProcesses.watchedJava(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp"))),
                ChildProcesses.watchdogClasses(workDir.resolve("watchdog")) + File.pathSeparator + jar,
                MAIN_CLASS, List.of("--properties", properties.toString()));
        // S3Proxy's logback configuration reads its level here: warnings and errors only.
        child.launch(command, Map.of("LOG_LEVEL", "warn"));
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).GET().build();
        boolean listening = Poll.within(STARTUP_TIMEOUT, Duration.ofMillis(200), () -> {
            Process running = child.process();
            if (!running.isAlive()) {
                throw new IOException("the S3 server exited with code " + running.exitValue());
            }
            try {
                // Any answer, even 403 for an unsigned request, says it listens.
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return true;
            } catch (ConnectException notListeningYet) {
                return false;
            }
        });
        if (!listening) {
            throw new IOException("no answer from " + endpoint() + " within " + STARTUP_TIMEOUT.toSeconds() + " s");
        }
    }

    private void requireRunning() {
        if (child.process() == null) {
            throw new IllegalStateException(name() + " is not running");
        }
    }

    /**
     * S3Proxy's runnable jar: the {@value #JAR_PROPERTY} system property, else {@value #JAR_ENV},
     * else beside the jar Mosaic runs from, else the local Maven repository.
     */
    static Path jar() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty(JAR_PROPERTY)).filter(v -> !v.isBlank()).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv(JAR_ENV)).filter(v -> !v.isBlank()).map(Path::of).ifPresent(candidates::add);
        ChildProcesses.jarDirectory(EmbeddedS3Server.class).ifPresent(dir -> candidates.add(dir.resolve(JAR_NAME)));
        String repository = System.getProperty("maven.repo.local");
        Path repo = repository != null && !repository.isBlank() ? Path.of(repository)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        candidates.add(repo.resolve(Path.of("org", "gaul", "s3proxy", VERSION, JAR_NAME)));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException(
                "The S3 server " + JAR_NAME + " was not found. Looked at:\n  "
                        + String.join("\n  ", candidates.stream().map(Path::toString).toList())
                        + "\nRun ./mvnw package once (it puts the jar beside app/target/mosaic.jar), or point " + JAR_ENV + " at it."));
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
