package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mosaic demo --serve} as a user runs it, and its dashboard as a user sees it: the page in
 * headless Chromium while the job runs, the JSON API and the Prometheus metrics, then a clean stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoServeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://\\S+)");
    private static final Path SCREENSHOT = Path.of("target", "dashboard-it", "demo-serve.png");
    private static final Set<String> STATUSES = Set.of("OK", "WARN", "STALL", "STOP", "REWIND", "ERR");

    @TempDir
    static Path dir;

    private static final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private static final AtomicInteger exitCode = new AtomicInteger(-1);
    private static final HttpClient http = HttpClient.newHttpClient();
    private static PrintStream originalOut;
    private static PrintStream originalErr;
    private static Thread demo;
    private static URI dashboard;

    @BeforeAll
    static void startDemo() {
        originalOut = System.out;
        originalErr = System.err;
        PrintStream both = new PrintStream(tee(output, originalOut), true);
        System.setOut(both);
        System.setErr(both);
        demo = new Thread(() -> exitCode.set(MosaicCommand.execute("demo", "--brokers", "1", "--workers", "2", "--samples", "40",
                "--serve", "--report-dir", dir.resolve("reports").toString())), "demo-serve-under-test");
        demo.start();
        String url = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Matcher m = DASHBOARD.matcher(captured());
                    return m.find() ? m.group(1) : null;
                }, u -> u != null || !demo.isAlive());
        assertThat(url).as("the demo printed its dashboard's address:%n%s", captured()).isNotNull();
        dashboard = URI.create(url);
    }

    @AfterAll
    static void stopDemo() throws InterruptedException {
        try {
            if (demo != null) {
                demo.interrupt();
                demo.join(Duration.ofMinutes(2).toMillis());
            }
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertThat(demo.isAlive()).as("the demo stops when interrupted").isFalse();
        assertThat(exitCode.get()).as(captured()).isZero();
        assertThat(captured()).contains("(serving until Ctrl-C)");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList())
                .as("the registry and the browser are gone").isEmpty();
    }

    @Test
    @Order(1)
    void thePageShowsTheAnalyzerGroupItsLagAndAChartWithData() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.available(), "browser check skipped: " + HeadlessChromium.BROWSER + " or "
                + HeadlessChromium.DRIVER + " is missing (Debian packages chromium and chromium-driver)");
        try (HeadlessChromium browser = HeadlessChromium.start(1400, 2400)) {
            browser.open(dashboard);
            List<JsonNode> seen = new ArrayList<>();
            JsonNode page = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        JsonNode state = browser.evaluate(PAGE_STATE);
                        seen.add(state);
                        return state;
                    }, s -> s.path("analyzers").asBoolean() && s.path("aggregator").asBoolean()
                            && s.path("lag").asText().matches("[0-9][0-9,]*")
                            && s.path("points").asInt() > 0 && s.path("coloredPixels").asInt() > 20
                            && s.path("jobs").asInt() > 0);
            browser.screenshot(SCREENSHOT);

            assertThat(STATUSES).contains(page.path("status").asText());
            assertThat(page.path("error").asText()).isEmpty();
            // The page polled while the job was running: at some point it showed work in progress.
            assertThat(seen).anySatisfy(s -> assertThat(s.path("jobStates").asText()).containsAnyOf("RUNNING", "PENDING", "COMPLETED"));
        }
        assertThat(SCREENSHOT).isNotEmptyFile();
    }

    @Test
    @Order(2)
    void metricsAndTheApiCarryTheAnalyzerAndAggregatorGroups() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String metrics = get("/metrics");
            for (String group : List.of("mosaic-analyzers", "mosaic-aggregator")) {
                assertThat(samples(metrics, "kafka_consumergroup_group_lag", group)).as(group).isNotEmpty().anyMatch(v -> !v.isNaN());
                assertThat(samples(metrics, "kafka_consumergroup_group_lag_seconds", group)).as(group).isNotEmpty().anyMatch(v -> !v.isNaN());
                assertThat(samples(metrics, "kafka_consumergroup_group_max_lag", group)).as(group).hasSize(1);
            }
            JsonNode groups = JSON.readTree(get("/api/groups")).get("groups");
            assertThat(StreamSupport.stream(groups.spliterator(), false).map(g -> g.get("group").asText()))
                    .contains("mosaic-analyzers", "mosaic-aggregator");
            for (JsonNode g : groups) {
                assertThat(STATUSES).contains(g.get("status").asText());
                assertThat(g.get("lag").isNumber()).isTrue();
            }
        });
        await().atMost(Duration.ofMinutes(5)).until(() -> captured().contains("(serving until Ctrl-C)"));
        assertThat(captured()).containsPattern("Job \\S+ COMPLETED");
    }

    /** What the page shows, read in the browser. */
    private static final String PAGE_STATE = """
            const row = document.querySelector('#groups tr[data-group="mosaic-analyzers"]');
            const aggregator = document.querySelector('#groups tr[data-group="mosaic-aggregator"]');
            const chart = document.getElementById('chart-lag');
            let colored = 0;
            const canvas = chart.querySelector('canvas');
            if (canvas) {
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              for (let i = 0; i < pixels.length; i += 4) {
                const max = Math.max(pixels[i], pixels[i + 1], pixels[i + 2]);
                const min = Math.min(pixels[i], pixels[i + 1], pixels[i + 2]);
                // Axes and grid are grey; series are drawn in colour.
                if (pixels[i + 3] > 0 && max - min > 60) colored++;
              }
            }
            return {
              analyzers: !!row,
              aggregator: !!aggregator,
              lag: row ? row.querySelector('.lag').textContent : null,
              status: row ? row.querySelector('.status').textContent : null,
              points: Number(chart.dataset.points),
              coloredPixels: colored,
              jobs: document.querySelectorAll('#jobs tbody tr').length,
              jobStates: Array.from(document.querySelectorAll('#jobs tbody tr td:nth-child(2)')).map(td => td.textContent).join(','),
              error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent
            };
            """;

    /** Values of the samples of {@code metric} for {@code group}. */
    private static List<Double> samples(String exposition, String metric, String group) {
        List<Double> values = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains("group=\"" + group + "\"")) {
                values.add(Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim()));
            }
        }
        return values;
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(dashboard.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static String captured() {
        synchronized (output) {
            return output.toString();
        }
    }

    /**
     * Writes to both: the test keeps what the demo prints and the build log shows it. Neither
     * throws: a PrintStream keeps its errors, and a ByteArrayOutputStream has none.
     */
    private static OutputStream tee(ByteArrayOutputStream copy, PrintStream console) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                copy.write(b);
                console.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                copy.write(b, off, len);
                console.write(b, off, len);
            }
        };
    }
}
