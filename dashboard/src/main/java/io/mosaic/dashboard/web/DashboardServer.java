package io.mosaic.dashboard.web;

import io.mosaic.dashboard.alert.WebhookNotifier;
import io.mosaic.dashboard.jobs.JobProgressTracker;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagSource;
import io.mosaic.dashboard.metrics.LagMetrics;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.http.HttpService.Request;
import io.mosaic.platform.http.HttpService.Response;
import io.mosaic.platform.http.ResourcePath;
import io.mosaic.platform.lifecycle.Lifecycle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;

/**
 * The dashboard's HTTP endpoints, on the platform's {@link HttpService}: the web page and its
 * assets, the JSON API and the Prometheus endpoint. Read only: anything but GET is refused.
 *
 * <pre>
 * GET /                         the page
 * GET /api/groups               every group: status, lag, lag in seconds, rates, drain time
 * GET /api/groups/{group}       one group, per partition, with history (?since=epoch-ms)
 * GET /api/history              every group's history (?since=epoch-ms)
 * GET /api/jobs                 job progress
 * GET /api/alerts               the latest alerts sent
 * GET /metrics                  Prometheus text format
 * GET /health                   200 once the monitor has read the cluster, else 503
 * </pre>
 */
public final class DashboardServer implements Lifecycle {

    private static final String WEB = "/io/mosaic/dashboard/web/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    /** Everything the page loads, by path; nothing else is served from the class path. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "/", new Asset(WEB + "index.html", "text/html; charset=utf-8"),
            "/index.html", new Asset(WEB + "index.html", "text/html; charset=utf-8"),
            "/assets/dashboard.js", new Asset(WEB + "dashboard.js", "text/javascript; charset=utf-8"),
            "/assets/dashboard.css", new Asset(WEB + "dashboard.css", "text/css; charset=utf-8"),
            "/assets/uplot/uPlot.iife.min.js", new Asset(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/assets/uplot/uPlot.min.css", new Asset(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));

    private record Asset(String resource, String contentType) {
    }

    private final String cluster;
    private final LagSource monitor;
    private final LagMetrics metrics;
    private final JobProgressTracker jobs;
    private final HttpService http;
    private volatile WebhookNotifier alerts;

    /** {@code jobs} may be null when job progress is off. */
    public DashboardServer(String bind, int port, String cluster, LagSource monitor, LagMetrics metrics,
                           JobProgressTracker jobs) {
        this.cluster = cluster;
        this.monitor = monitor;
        this.metrics = metrics;
        this.jobs = jobs;
        this.http = new HttpService("dashboard", bind, port)
                .route("/", readOnly(this::asset))
                .route("/api/groups", readOnly(this::groups))
                .route("/api/history", readOnly(this::history))
                .route("/api/jobs", readOnly(this::jobs))
                .route("/api/alerts", readOnly(this::alerts))
                .route("/metrics", readOnly(r -> Response.text(200, LagMetrics.contentType(), metrics.scrape())))
                .route("/health", readOnly(this::health));
    }

    /** Shows the alerts {@code notifier} sends at {@code /api/alerts}. */
    public void alerts(WebhookNotifier notifier) {
        this.alerts = notifier;
    }

    @Override
    public String name() {
        return http.name();
    }

    @Override
    public void validate() {
        http.validate();
    }

    @Override
    public void start() throws IOException {
        http.start();
    }

    /** The address the server listens on, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        return URI.create(http.url());
    }

    @Override
    public void stop() {
        http.stop();
    }

    private Response groups(Request request) {
        LagReport report = monitor.current();
        long intervalMs = monitor.interval().toMillis();
        Optional<String> name = ResourcePath.id("/api/groups", request.path());
        if (name.isEmpty()) {
            return Response.json(200, ApiViews.groups(report, cluster, intervalMs));
        }
        LagReport.GroupLag group = report.group(name.get())
                .orElseThrow(() -> new NoSuchElementException("no consumer group '" + name.get() + "' is monitored"));
        return Response.json(200, ApiViews.groupDetail(report, group, monitor.evaluator(), cluster, intervalMs,
                since(request)));
    }

    private Response history(Request request) {
        return Response.json(200, ApiViews.history(monitor.current(), monitor.evaluator(), cluster,
                monitor.interval().toMillis(), since(request)));
    }

    private Response jobs(Request request) {
        return Response.json(200, jobs == null ? ApiViews.jobs(List.of(), 0, false, j -> false, j -> 0)
                : ApiViews.jobs(jobs.jobs(), jobs.imagesPerSecond(), true, jobs::stalled, jobs::sinceResultMs));
    }

    private Response alerts(Request request) {
        WebhookNotifier notifier = alerts;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("enabled", notifier != null);
        doc.put("alerts", notifier == null ? List.of() : notifier.recent());
        return Response.json(200, doc);
    }

    private Response health(Request request) {
        LagReport report = monitor.current();
        boolean up = report.timeMs() > 0 && report.error() == null;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", up ? "UP" : "DOWN");
        doc.put("lastRound", report.timeMs() == 0 ? null : report.timeMs());
        doc.put("error", report.error());
        return Response.json(up ? 200 : 503, doc);
    }

    private Response asset(Request request) throws IOException {
        Asset asset = ASSETS.get(request.path());
        if (asset == null) {
            throw new NoSuchElementException("nothing at " + request.path());
        }
        try (InputStream in = DashboardServer.class.getResourceAsStream(asset.resource())) {
            if (in == null) {
                throw new NoSuchElementException("the jar lacks " + asset.resource());
            }
            return new Response(200, asset.contentType(), in.readAllBytes());
        }
    }

    private static long since(Request request) {
        String value = request.query().get("since");
        if (value == null || value.isBlank()) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("since must be epoch milliseconds, got '" + value + "'");
        }
    }

    private static HttpService.Handler readOnly(HttpService.Handler handler) {
        return request -> {
            if (!"GET".equals(request.method())) {
                request.exchange().getResponseHeaders().set("Allow", "GET");
                return Response.json(405, Map.of("error", request.method() + " is not allowed; the dashboard is read only"));
            }
            return handler.handle(request);
        };
    }

    /** The WebJar's version, written into the jar by the build, so upgrading it is a pom change only. */
    private static String uplotVersion() {
        try (InputStream in = DashboardServer.class.getResourceAsStream(WEB + "versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("the dashboard jar lacks " + WEB + "versions.properties");
            }
            Properties versions = new Properties();
            versions.load(in);
            return versions.getProperty("uplot");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEB + "versions.properties", e);
        }
    }
}
