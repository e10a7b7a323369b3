package io.mosaic.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver endpoints, for tests: open a page,
 * run a script in it, take a screenshot. Debian's {@code chromium} and {@code chromium-driver}
 * packages provide both programs; {@link #available()} tells whether they are installed.
 * Everything it starts (chromedriver, the browser, a fresh profile directory) goes on close.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BROWSER = Path.of(System.getProperty("mosaic.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("mosaic.chromedriver", "/usr/bin/chromedriver"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final URI session;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HeadlessChromium(Process driver, URI session, Path profile) {
        this.driver = driver;
        this.session = session;
        this.profile = profile;
    }

    static boolean available() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    static HeadlessChromium start(int width, int height) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path profile = Files.createTempDirectory("mosaic-chromium-");
        Process driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromedriver.log").toFile())
                .start();
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (JSON.readTree(status.body()).path("value").path("ready").asBoolean()) {
                    break;
                }
            } catch (IOException notYet) {
                // chromedriver is still starting.
            }
            if (System.nanoTime() > deadline || !driver.isAlive()) {
                driver.destroyForcibly();
                throw new IllegalStateException("chromedriver did not start; see " + profile.resolve("chromedriver.log"));
            }
            Thread.sleep(100);
        }
        Map<String, Object> options = Map.of(
                "binary", BROWSER.toString(),
                "args", List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--user-data-dir=" + profile.resolve("profile"),
                        "--window-size=" + width + "," + height));
        Map<String, Object> capabilities = Map.of("capabilities",
                Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options)));
        JsonNode created = post(http, base.resolve("/session"), capabilities);
        String id = created.path("value").path("sessionId").asText();
        if (id.isEmpty()) {
            driver.destroyForcibly();
            throw new IllegalStateException("chromedriver did not open a session: " + created);
        }
        return new HeadlessChromium(driver, base.resolve("/session/" + id + "/"), profile);
    }

    void open(URI url) throws IOException, InterruptedException {
        post(http, session.resolve("url"), Map.of("url", url.toString()));
    }

    /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
    JsonNode evaluate(String script) throws IOException, InterruptedException {
        return post(http, session.resolve("execute/sync"), Map.of("script", script, "args", List.of())).path("value");
    }

    void screenshot(Path file) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(session.resolve("screenshot")).build(),
                HttpResponse.BodyHandlers.ofString());
        String png = JSON.readTree(response.body()).path("value").asText();
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    private static JsonNode post(HttpClient http, URI uri, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + ": HTTP " + response.statusCode() + " " + json.path("value"));
        }
        return json;
    }

    @Override
    public void close() {
        try {
            http.send(HttpRequest.newBuilder(session).timeout(Duration.ofSeconds(10)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            // The browser goes with chromedriver below.
        }
        List<ProcessHandle> started = Stream.concat(driver.descendants(), Stream.of(driver.toHandle())).toList();
        started.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : started) {
            try {
                process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // Gone or going; nothing more to do.
            }
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory; best effort.
        }
    }
}
