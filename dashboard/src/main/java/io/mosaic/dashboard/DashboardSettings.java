package io.mosaic.dashboard;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The dashboard's settings, read from {@link MosaicConfig} and checked without I/O.
 *
 * @param bind          address to listen on
 * @param port          port to listen on; 0 picks a free one
 * @param clusterName   the {@code cluster_name} label of every metric
 * @param interval      time between two reads of the offsets
 * @param window        samples in the health window
 * @param groups        which consumer groups to monitor
 * @param webhooks      where alerts are posted
 * @param alertAfter    how long a group must stay unhealthy before an alert
 * @param alertInterval least time between two alerts for one group
 */
public record DashboardSettings(String bind, int port, String clusterName, Duration interval, int window,
                                Pattern groups, List<URI> webhooks, Duration alertAfter, Duration alertInterval) {

    public static final Setting<String> BIND = Setting.string("dashboard.bind", "127.0.0.1",
            "address the dashboard listens on (0.0.0.0 inside a container)");
    public static final Setting<Integer> PORT = Setting.integer("dashboard.port", 8080, 0, 65_535,
            "port of the dashboard's web page, JSON API and /metrics");
    public static final Setting<String> CLUSTER_NAME = Setting.string("dashboard.cluster.name", "mosaic",
            "value of the cluster_name label on the dashboard's Prometheus metrics");
    public static final Setting<Long> LAG_INTERVAL_MS = Setting.whole("lag.interval.ms", 5000L, 100, Long.MAX_VALUE,
            "how often the dashboard reads committed and log-end offsets, in milliseconds");
    public static final Setting<Integer> LAG_WINDOW = Setting.integer("lag.window", 10, 2, 1_000,
            "offset samples per partition that consumer health is judged over (Burrow's window)");
    public static final Setting<String> LAG_GROUPS = Setting.string("lag.groups", ".*",
            "regular expression: the consumer groups the dashboard monitors");
    public static final Setting<String> ALERT_WEBHOOK_URLS = Setting.string("alert.webhook.urls", null,
            "comma-separated URLs that get a JSON POST when a group stays unhealthy and when it recovers (default: no alerts)");
    public static final Setting<Long> ALERT_AFTER_MS = Setting.whole("alert.after.ms", 60_000L, 0, Long.MAX_VALUE,
            "how long a group must stay WARN, STALL or STOP before an alert is sent, in milliseconds");
    public static final Setting<Long> ALERT_MIN_INTERVAL_MS = Setting.whole("alert.min.interval.ms", 300_000L, 0, Long.MAX_VALUE,
            "least time between two alerts for the same group, in milliseconds; a recovery is always sent");

    public static final Setting<Long> JOB_STALL_MS = Setting.whole("dashboard.job.stall.ms", 60_000L, 1_000, Long.MAX_VALUE,
            "how long a running job with unfinished tasks, not all of them held back by the dispatcher, may go without a result before the dashboard calls it stalled, in milliseconds");

    public static final List<Setting<?>> SETTINGS = List.of(BIND, PORT, CLUSTER_NAME, LAG_INTERVAL_MS, LAG_WINDOW, LAG_GROUPS,
            ALERT_WEBHOOK_URLS, ALERT_AFTER_MS, ALERT_MIN_INTERVAL_MS, JOB_STALL_MS);

    public DashboardSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(PORT.key() + " must be between 0 and 65535, got " + port);
        }
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException(LAG_INTERVAL_MS.key() + " must be at least 100 ms, got " + interval.toMillis());
        }
        if (window < 2 || window > 1_000) {
            throw new IllegalArgumentException(LAG_WINDOW.key() + " must be between 2 and 1000, got " + window);
        }
        if (alertAfter.isNegative() || alertInterval.isNegative()) {
            throw new IllegalArgumentException(ALERT_AFTER_MS.key() + " and " + ALERT_MIN_INTERVAL_MS.key()
                    + " must not be negative");
        }
        webhooks = List.copyOf(webhooks);
    }

    public static DashboardSettings from(MosaicConfig config) {
        return new DashboardSettings(
                config.get(BIND),
                config.get(PORT),
                config.get(CLUSTER_NAME),
                Duration.ofMillis(config.get(LAG_INTERVAL_MS)),
                config.get(LAG_WINDOW),
                groupPattern(config.get(LAG_GROUPS)),
                webhooks(config.get(ALERT_WEBHOOK_URLS)),
                Duration.ofMillis(config.get(ALERT_AFTER_MS)),
                Duration.ofMillis(config.get(ALERT_MIN_INTERVAL_MS)));
    }

    /** A copy listening on {@code port}. */
    public DashboardSettings withPort(int newPort) {
        return new DashboardSettings(bind, newPort, clusterName, interval, window, groups, webhooks, alertAfter, alertInterval);
    }

    private static Pattern groupPattern(String regex) {
        try {
            return Pattern.compile(regex == null || regex.isBlank() ? ".*" : regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(LAG_GROUPS.key() + " is not a regular expression: " + e.getDescription());
        }
    }

    private static List<URI> webhooks(String urls) {
        if (urls == null || urls.isBlank()) {
            return List.of();
        }
        return Arrays.stream(urls.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(DashboardSettings::webhook)
                .toList();
    }

    private static URI webhook(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ALERT_WEBHOOK_URLS.key() + ": not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(ALERT_WEBHOOK_URLS.key() + ": not an http(s) URL: " + url);
        }
        return uri;
    }
}
