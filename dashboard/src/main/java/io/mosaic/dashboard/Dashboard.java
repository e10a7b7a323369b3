package io.mosaic.dashboard;

import io.mosaic.dashboard.alert.AlertPolicy;
import io.mosaic.dashboard.alert.WebhookNotifier;
import io.mosaic.dashboard.jobs.JobProgressTracker;
import io.mosaic.dashboard.jobs.JobStalls;
import io.mosaic.dashboard.lag.LagMonitor;
import io.mosaic.dashboard.metrics.LagMetrics;
import io.mosaic.dashboard.web.DashboardServer;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Topics;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-lag dashboard: a {@link LagMonitor} that reads every monitored consumer group's
 * offsets each interval, {@link LagMetrics} for Prometheus, alerts by webhook, job progress, and
 * the web page and JSON API that show all of it.
 *
 * <p>Reads {@code mosaic.job-summaries} (key jobId, {@code JobSummary}) for job progress, with no
 * consumer group; writes no topic. Monitors the consumer groups matching {@code lag.groups},
 * through the Admin client.
 *
 * <pre>{@code
 * try (Dashboard dashboard = new Dashboard(config, topics)) {
 *     dashboard.start();
 *     System.out.println("Dashboard: " + dashboard.url());
 * }
 * }</pre>
 */
public final class Dashboard implements Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

    private final MosaicConfig config;
    private final Topics topics;
    private final DashboardSettings settings;
    private final boolean anyPortIfTaken;
    private LagMonitor monitor;
    private JobProgressTracker jobs;
    private WebhookNotifier alerts;
    private DashboardServer server;

    /** A dashboard as configured; {@code topics} may be null to leave job progress out. */
    public Dashboard(MosaicConfig config, Topics topics) {
        this(config, topics, DashboardSettings.from(config), false);
    }

    private Dashboard(MosaicConfig config, Topics topics, DashboardSettings settings, boolean anyPortIfTaken) {
        this.config = config;
        this.topics = topics;
        this.settings = settings;
        this.anyPortIfTaken = anyPortIfTaken;
    }

    /**
     * The dashboard of {@code mosaic demo}: offsets read every second, so a job of a few seconds
     * still draws a curve, and any free port when the configured one is taken, so a demo never
     * fails for want of a port.
     */
    public static Dashboard forDemo(MosaicConfig config, Topics topics) {
        DashboardSettings configured = DashboardSettings.from(config);
        DashboardSettings demo = new DashboardSettings(configured.bind(), configured.port(), configured.clusterName(),
                Duration.ofSeconds(1), configured.window(), configured.groups(), configured.webhooks(),
                configured.alertAfter(), configured.alertInterval());
        return new Dashboard(config, topics, demo, true);
    }

    @Override
    public String name() {
        return "dashboard (" + settings.bind() + ":" + settings.port() + ")";
    }

    public DashboardSettings settings() {
        return settings;
    }

    @Override
    public synchronized void start() throws Exception {
        monitor = new LagMonitor(config, settings.groups(), settings.interval(), settings.window());
        if (topics != null) {
            jobs = new JobProgressTracker(config, topics.jobSummaries());
        }
        LagMetrics metrics = new LagMetrics(settings.clusterName(),
                () -> jobs == null ? 0 : jobs.runningJobs(),
                () -> jobs == null ? 0 : jobs.imagesPerSecond(),
                () -> jobs == null ? 0 : jobs.stalledJobs());
        server = startServer(metrics);
        if (!settings.webhooks().isEmpty()) {
            alerts = new WebhookNotifier(new AlertPolicy(settings.alertAfter(), settings.alertInterval()),
                    settings.webhooks(), settings.clusterName(), server.url().toString(), Duration.ofSeconds(10));
            server.alerts(alerts);
        }
        monitor.onReport(metrics::update);
        monitor.onReport(report -> metrics.updateJobs(jobs == null ? List.of() : jobs.jobs()));
        if (alerts != null) {
            monitor.onReport(alerts);
            if (jobs != null) {
                // Stalls of jobs that moved while this dashboard watched: one whose last summary is
                // older than the dashboard is old news, shown in the table but not sent.
                JobProgressTracker tracker = jobs;
                long watchedSince = tracker.now();
                JobStalls stalls = new JobStalls();
                WebhookNotifier notifier = alerts;
                monitor.onReport(report -> notifier.jobs(stalls.update(
                        tracker.jobs().stream().filter(job -> job.updatedAt() >= watchedSince).toList(),
                        tracker::stalled, tracker.now())));
            }
        }
        if (jobs != null) {
            jobs.start();
        }
        monitor.start();
    }

    private DashboardServer startServer(LagMetrics metrics) throws IOException {
        DashboardServer s = new DashboardServer(settings.bind(), settings.port(), settings.clusterName(), monitor, metrics, jobs);
        try {
            s.start();
            return s;
        } catch (BindException e) {
            if (!anyPortIfTaken || settings.port() == 0) {
                throw new BindException("dashboard: cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage());
            }
            log.info("Port {} is taken; the dashboard listens on a free port instead", settings.port());
            s = new DashboardServer(settings.bind(), 0, settings.clusterName(), monitor, metrics, jobs);
            s.start();
            return s;
        }
    }

    /** Where the dashboard is, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        if (server == null) {
            throw new IllegalStateException("the dashboard is not started");
        }
        return server.url();
    }

    /** The lag monitor, for its current report and histories. */
    public LagMonitor monitor() {
        return monitor;
    }

    @Override
    public synchronized void stop() {
        if (monitor != null) {
            monitor.stop();
            monitor = null;
        }
        if (alerts != null) {
            alerts.close();
            alerts = null;
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        if (jobs != null) {
            jobs.stop();
            jobs = null;
        }
    }
}
