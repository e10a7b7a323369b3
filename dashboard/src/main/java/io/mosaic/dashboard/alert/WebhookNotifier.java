package io.mosaic.dashboard.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.dashboard.alert.AlertPolicy.Alert;
import io.mosaic.dashboard.alert.AlertPolicy.JobAlert;
import io.mosaic.dashboard.alert.AlertPolicy.Kind;
import io.mosaic.dashboard.jobs.JobProgress;
import io.mosaic.dashboard.jobs.JobStalls;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts as JSON to the configured webhooks, about a consumer group's health and about a
 * job's stalls, on a thread of its own, so a slow or failing receiver delays nothing but other
 * alerts: failures are logged and dropped, never retried into a backlog, and the monitor never
 * waits. The body carries a {@code text} field, which chat
 * webhooks (Slack, Mattermost) display as is, and the details as fields for anything else.
 */
public final class WebhookNotifier implements Consumer<LagReport>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUEUE = 100;
    private static final int RECENT = 50;
    /** More job alerts of one kind than this at one look are posted as one digest. */
    private static final int DIGEST_OVER = 3;
    /** Jobs a digest lists in {@code jobs}, and names in its text; {@code count} says how many there were. */
    private static final int DIGEST_JOBS = 100;
    private static final int DIGEST_NAMED = 5;

    private final AlertPolicy policy;
    private final List<URI> webhooks;
    private final String cluster;
    private final String dashboardUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final ThreadPoolExecutor sender;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();

    /**
     * @param dashboardUrl where the dashboard is, for a link in the message
     * @param timeout      longest wait for one webhook, connection included
     */
    public WebhookNotifier(AlertPolicy policy, List<URI> webhooks, String cluster, String dashboardUrl, Duration timeout) {
        this.policy = policy;
        this.webhooks = List.copyOf(webhooks);
        this.cluster = cluster;
        this.dashboardUrl = dashboardUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "mosaic-alert-webhook");
            t.setDaemon(true);
            return t;
        });
    }

    /** Evaluates one report and sends what it calls for. */
    @Override
    public void accept(LagReport report) {
        for (Alert alert : policy.evaluate(report)) {
            send(body(alert));
        }
    }

    /**
     * Sends what these job stalls call for: a stall begun, a stall ended ({@link AlertPolicy#evaluate(List)}).
     * More than {@link #DIGEST_OVER} of one kind at one look are one post, a digest: when every
     * worker is gone, every running job stalls within a look or two, and one message says so
     * better than one per job.
     */
    public void jobs(List<JobStalls.Change> stalls) {
        List<JobAlert> alerts = policy.evaluate(stalls);
        for (Kind kind : Kind.values()) {
            List<JobAlert> ofKind = alerts.stream().filter(alert -> alert.kind() == kind).toList();
            if (ofKind.size() > DIGEST_OVER) {
                send(digest(kind, ofKind));
            } else {
                ofKind.forEach(alert -> send(body(alert)));
            }
        }
    }

    private void send(Map<String, Object> body) {
        log.warn("Alert: {}", body.get("text"));
        synchronized (recent) {
            recent.addFirst(body);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        for (URI webhook : webhooks) {
            try {
                sender.execute(() -> post(webhook, body));
            } catch (RejectedExecutionException e) {
                log.warn("Alert to {} dropped: {} alerts are already waiting", webhook, QUEUE);
            }
        }
    }

    /** The latest alerts, newest first, as sent. */
    public List<Map<String, Object>> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    Map<String, Object> body(Alert alert) {
        GroupLag lag = alert.lag();
        double seconds = (alert.timeMs() - alert.sinceMs()) / 1000.0;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", alert.kind().name());
        body.put("cluster", cluster);
        body.put("group", alert.group());
        body.put("status", alert.status() == null ? null : alert.status().name());
        body.put("since", alert.sinceMs() < 0 ? null : Instant.ofEpochMilli(alert.sinceMs()).toString());
        body.put("time", Instant.ofEpochMilli(alert.timeMs()).toString());
        body.put("durationSeconds", alert.sinceMs() < 0 ? null : seconds);
        if (lag != null) {
            body.put("lag", lag.lag());
            body.put("maxLagSeconds", finite(lag.maxLagSeconds()));
            body.put("consumeRate", finite(lag.consumeRate()));
            body.put("produceRate", finite(lag.produceRate()));
        }
        body.put("dashboard", dashboardUrl + "/#group=" + URLEncoder.encode(alert.group(), StandardCharsets.UTF_8));
        body.put("text", text(alert, seconds));
        return body;
    }

    /** A job's stall: {@code job} instead of {@code group}; {@code status} STALLED, then RUNNING, COMPLETED or CANCELLED (null: gone). */
    Map<String, Object> body(JobAlert alert) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", alert.kind().name());
        body.put("cluster", cluster);
        body.putAll(fields(alert.change()));
        body.put("dashboard", dashboardUrl);
        body.put("text", text(alert));
        return body;
    }

    /** Many jobs' alerts of one kind: {@code count}, and {@code jobs}, each with a job alert's fields. */
    Map<String, Object> digest(Kind kind, List<JobAlert> alerts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", kind.name());
        body.put("cluster", cluster);
        body.put("count", alerts.size());
        body.put("time", Instant.ofEpochMilli(alerts.get(0).change().timeMs()).toString());
        body.put("jobs", alerts.stream().limit(DIGEST_JOBS).map(alert -> fields(alert.change())).toList());
        body.put("dashboard", dashboardUrl);
        List<String> ids = alerts.stream().map(alert -> alert.change().jobId()).toList();
        String named = String.join(", ", ids.subList(0, Math.min(DIGEST_NAMED, ids.size())))
                + (ids.size() > DIGEST_NAMED ? " and " + (ids.size() - DIGEST_NAMED) + " more" : "");
        long quietMs = alerts.stream().mapToLong(alert -> alert.change().quietMs()).min().orElse(0);
        body.put("text", kind == Kind.FIRING
                ? String.format(Locale.ROOT, "[%s] %d jobs are STALLED, each without a result for %.0f s or more: %s", cluster,
                        alerts.size(), quietMs / 1000.0, named)
                : String.format(Locale.ROOT, "[%s] %d jobs are no longer stalled: %s", cluster, alerts.size(), named));
        return body;
    }

    private static Map<String, Object> fields(JobStalls.Change change) {
        JobProgress job = change.job();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("job", change.jobId());
        fields.put("status", !change.ended() ? "STALLED" : job == null ? null : job.state());
        fields.put("since", Instant.ofEpochMilli(change.quietSinceMs()).toString());
        fields.put("time", Instant.ofEpochMilli(change.timeMs()).toString());
        fields.put("durationSeconds", change.quietMs() / 1000.0);
        if (job != null) {
            fields.put("taskCount", job.taskCount());
            fields.put("done", job.done());
            fields.put("inFlight", job.inFlight());
            fields.put("queued", job.queued());
        }
        return fields;
    }

    private String text(JobAlert alert) {
        JobStalls.Change change = alert.change();
        JobProgress job = change.job();
        double seconds = change.quietMs() / 1000.0;
        if (alert.kind() == Kind.FIRING) {
            return String.format(Locale.ROOT, "[%s] job %s is STALLED: no result for %.0f s, %d of %s tasks done, %d at the workers,"
                    + " %d held back", cluster, change.jobId(), seconds, job.done(), count(job), job.inFlight(), job.queued());
        }
        if (job == null) {
            return String.format(Locale.ROOT, "[%s] job %s is gone from the jobs table; its alert is closed", cluster, change.jobId());
        }
        return String.format(Locale.ROOT, "[%s] job %s is no longer stalled (%s) after %.0f s without a result: %d of %s tasks done",
                cluster, change.jobId(), job.state(), seconds, job.done(), count(job));
    }

    private static String count(JobProgress job) {
        return job.taskCount() < 0 ? "?" : Integer.toString(job.taskCount());
    }

    private String text(Alert alert, double seconds) {
        GroupLag lag = alert.lag();
        if (alert.kind() == Kind.FIRING) {
            return String.format(Locale.ROOT, "[%s] consumer group %s is %s for %.0f s: lag %d records, %s behind, consuming %s/s",
                    cluster, alert.group(), alert.status(), seconds, lag.lag(), secondsText(lag.maxLagSeconds()),
                    rateText(lag.consumeRate()));
        }
        if (alert.status() == null) {
            return String.format(Locale.ROOT, "[%s] consumer group %s is gone; its alert is closed", cluster, alert.group());
        }
        return String.format(Locale.ROOT, "[%s] consumer group %s recovered: %s after %.0f s unhealthy, lag %d records",
                cluster, alert.group(), alert.status(), seconds, lag.lag());
    }

    private void post(URI webhook, Map<String, Object> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(webhook)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                log.warn("Alert webhook {} answered HTTP {}: {}", webhook, response.statusCode(), abbreviate(response.body()));
            }
        } catch (JsonProcessingException e) {
            log.error("Cannot write alert as JSON: {}", e.toString());
        } catch (IOException e) {
            log.warn("Alert webhook {} failed: {}", webhook, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Alert webhook {} failed: {}", webhook, e.toString());
        }
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String secondsText(double seconds) {
        return Double.isNaN(seconds) ? "an unknown time" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String rateText(double rate) {
        return Double.isNaN(rate) ? "?" : String.format(Locale.ROOT, "%.1f", rate);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
