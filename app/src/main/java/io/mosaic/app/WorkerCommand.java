package io.mosaic.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.metrics.ServiceMetrics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mosaic worker}: analyzer threads in consumer group mosaic-analyzers, until stopped. */
@Command(name = "worker", header = "Run analyzer workers, which analyse image tasks and publish their results.", mixinStandardHelpOptions = true,
        description = {"Run analyzer workers: consume mosaic.image-tasks in group mosaic-analyzers, analyse each image,",
                "publish results in transactions with the consumed offsets. Runs until Ctrl-C or SIGTERM."})
final class WorkerCommand extends CommandBase.Service implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N", description = "Analyzer threads (setting worker.threads; default 4).")
    Integer threads;

    /** Only for {@code mosaic chaos --unsafe}, which must show that its checker catches what transactions prevent. */
    @Option(names = "--unsafe-at-least-once", hidden = true,
            description = "Publish results with acks=1 and commit offsets after them, without transactions.")
    boolean unsafe;

    @Override
    public Integer call() throws Exception {
        MosaicConfig config = options.config(WorkerSettings.THREADS, threads);
        AnalyzerWorker worker = new AnalyzerWorker(config, ServiceOptions.topics(config), Wiring.taskProcessor(config), !unsafe);
        ServiceMetrics metrics = new ServiceMetrics("worker");
        FunctionCounter.builder("mosaic_worker_tasks_processed", worker, AnalyzerWorker::processed)
                .description("Tasks whose result this worker process has committed").register(metrics.registry());
        return ServiceRunner.run("worker", List.of(worker), httpOptions.http("worker", 0), metrics, () -> true, out());
    }
}
