package io.mosaic.app;

import io.micrometer.core.instrument.Counter;
import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.metrics.ServiceMetrics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mosaic reports}: writes a JSON report for every completed job, until stopped. */
@Command(name = "reports", header = "Run the report writer, which writes a JSON report for every completed job.", mixinStandardHelpOptions = true,
        description = {"Run the report writer: consume mosaic.image-results and mosaic.job-summaries in group",
                "mosaic-reports and write <report-dir>/<jobId>.json when a job completes. Runs until Ctrl-C or SIGTERM."})
final class ReportsCommand extends CommandBase.Service implements Callable<Integer> {

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where reports go (setting report.dir; default reports).")
    String reportDir;

    @Override
    public Integer call() throws Exception {
        MosaicConfig config = options.config(ReportWriter.REPORT_DIR, reportDir);
        ReportWriter writer = new ReportWriter(config, ServiceOptions.topics(config));
        ServiceMetrics metrics = new ServiceMetrics("reports");
        Counter written = Counter.builder("mosaic_reports_written").description("Job reports written").register(metrics.registry());
        writer.onReport(path -> {
            written.increment();
            out().println("report written: " + path);
            out().flush();
        });
        return ServiceRunner.run("reports", List.of(writer), httpOptions.http("reports", 0), metrics, () -> true, out());
    }
}
