package io.mosaic.dashboard;

import io.mosaic.platform.config.MosaicConfig;
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

    public DashboardSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(MosaicConfig.DASHBOARD_PORT.key() + " must be between 0 and 65535, got " + port);
        }
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException(MosaicConfig.LAG_INTERVAL_MS.key() + " must be at least 100 ms, got " + interval.toMillis());
        }
        if (window < 2 || window > 1_000) {
            throw new IllegalArgumentException(MosaicConfig.LAG_WINDOW.key() + " must be between 2 and 1000, got " + window);
        }
        if (alertAfter.isNegative() || alertInterval.isNegative()) {
            throw new IllegalArgumentException(MosaicConfig.ALERT_AFTER_MS.key() + " and " + MosaicConfig.ALERT_MIN_INTERVAL_MS.key()
                    + " must not be negative");
        }
        webhooks = List.copyOf(webhooks);
    }

    public static DashboardSettings from(MosaicConfig config) {
        return new DashboardSettings(
                config.get(MosaicConfig.DASHBOARD_BIND),
                config.getInt(MosaicConfig.DASHBOARD_PORT),
                config.get(MosaicConfig.DASHBOARD_CLUSTER_NAME),
                Duration.ofMillis(config.getLong(MosaicConfig.LAG_INTERVAL_MS)),
                config.getInt(MosaicConfig.LAG_WINDOW),
                groupPattern(config.get(MosaicConfig.LAG_GROUPS)),
                webhooks(config.get(MosaicConfig.ALERT_WEBHOOK_URLS)),
                Duration.ofMillis(config.getLong(MosaicConfig.ALERT_AFTER_MS)),
                Duration.ofMillis(config.getLong(MosaicConfig.ALERT_MIN_INTERVAL_MS)));
    }

    /** A copy listening on {@code port}. */
    public DashboardSettings withPort(int newPort) {
        return new DashboardSettings(bind, newPort, clusterName, interval, window, groups, webhooks, alertAfter, alertInterval);
    }

    private static Pattern groupPattern(String regex) {
        try {
            return Pattern.compile(regex == null || regex.isBlank() ? ".*" : regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(MosaicConfig.LAG_GROUPS.key() + " is not a regular expression: " + e.getDescription());
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
            throw new IllegalArgumentException(MosaicConfig.ALERT_WEBHOOK_URLS.key() + ": not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(MosaicConfig.ALERT_WEBHOOK_URLS.key() + ": not an http(s) URL: " + url);
        }
        return uri;
    }
}
