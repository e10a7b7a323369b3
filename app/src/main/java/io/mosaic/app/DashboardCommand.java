package io.mosaic.app;

import io.mosaic.dashboard.Dashboard;
import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.schemas.Topics;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code mosaic dashboard}: consumer lag, health, history, Prometheus metrics, alerts and job
 * progress on one web page, until stopped.
 */
@Command(name = "dashboard", header = "Serve the consumer-lag dashboard, its JSON API and Prometheus metrics.", mixinStandardHelpOptions = true,
        description = {"Serve the consumer-lag dashboard: every consumer group's lag in records and in seconds, its health",
                "(Burrow's OK/WARN/STALL/STOP/REWIND/ERR), rates and drain time, history charts, job progress,",
                "Prometheus metrics at /metrics (kafka-lag-exporter's names) and webhook alerts. Runs until Ctrl-C or SIGTERM."})
final class DashboardCommand extends CommandBase.Client implements Callable<Integer> {

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (setting dashboard.bind; default 127.0.0.1; 0.0.0.0 in containers).")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port to listen on (setting dashboard.port; default 8080; 0 picks a free one).")
    Integer port;

    /** The old name of --http-port, still accepted and no longer shown. */
    @Option(names = "--port", paramLabel = "PORT", hidden = true)
    void deprecatedPort(Integer value) {
        port = value;
    }

    @Option(names = "--interval-ms", paramLabel = "MS", description = "How often offsets are read (setting lag.interval.ms; default 5000).")
    Long intervalMs;

    @Option(names = "--groups", paramLabel = "REGEX", description = "Consumer groups to monitor (setting lag.groups; default: all).")
    String groups;

    @Option(names = "--webhook", paramLabel = "URL", split = ",",
            description = "Where alerts are POSTed as JSON (setting alert.webhook.urls); repeatable.")
    List<String> webhooks;

    @Option(names = "--alert-after-ms", paramLabel = "MS",
            description = "How long a group must stay WARN, STALL or STOP before an alert (setting alert.after.ms; default 60000).")
    Long alertAfterMs;

    @Option(names = "--no-jobs", description = "Do not show job progress (it needs the schema registry to read job summaries).")
    boolean noJobs;

    @Override
    public Integer call() throws Exception {
        Map<Setting<?>, Object> flags = new HashMap<>();
        flags.put(DashboardSettings.BIND, bind);
        flags.put(DashboardSettings.PORT, port);
        flags.put(DashboardSettings.LAG_INTERVAL_MS, intervalMs);
        flags.put(DashboardSettings.LAG_GROUPS, groups);
        flags.put(DashboardSettings.ALERT_WEBHOOK_URLS, webhooks == null ? null : String.join(",", webhooks));
        flags.put(DashboardSettings.ALERT_AFTER_MS, alertAfterMs);
        MosaicConfig config = options.config(flags);
        Topics topics = noJobs ? null : ServiceOptions.topics(config);
        PrintWriter out = out();

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "mosaic-dashboard-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Lifecycles running = new Lifecycles()) {
            Dashboard dashboard = running.start(new Dashboard(config, topics));
            DashboardSettings s = dashboard.settings();
            out.printf("Dashboard: %s  (metrics at %s/metrics)%n", dashboard.url(), dashboard.url());
            out.printf("  monitoring consumer groups matching %s on %s every %d ms; alerts %s%n", s.groups().pattern(),
                    config.bootstrapServers(), s.interval().toMillis(),
                    s.webhooks().isEmpty() ? "off" : "to " + s.webhooks().size() + " webhook(s)");
            out.println("  Ctrl-C or SIGTERM stops it");
            out.flush();
            stopped.await();
        } finally {
            ChildProcesses.removeShutdownHook(hook);
        }
        return 0;
    }
}
