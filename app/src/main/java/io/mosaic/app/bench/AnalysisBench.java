package io.mosaic.app.bench;

import io.mosaic.analysis.Analysis;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.Pipeline;
import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.dashboard.lag.LagMonitor;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.Status;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The analysis-pipeline line: images per second from submit to COMPLETED on the pipeline, against
 * the same {@link ImageAnalyzer} called directly on as many threads, on the same images. While
 * the pipeline rounds run, the dashboard's lag monitor watches the analyzer group (1 s rounds, its
 * default window): a busy, healthy group must never be reported worse than WARN.
 */
public final class AnalysisBench implements AutoCloseable {

    private final Pipeline pipeline;
    private final Path images;
    private final List<Path> files;
    private final String size;
    private final int threads;
    private final ImageAnalyzer analyzer;
    private final LagMonitor monitor;
    private final List<LagReport> rounds = new CopyOnWriteArrayList<>();
    /** CPU time of this process per image, in milliseconds, in each round: piped, then direct. */
    private final List<Double> pipedCpu = new ArrayList<>();
    private final List<Double> directCpu = new ArrayList<>();
    private int jobs;
    private String lastBreakdown = "";
    private String lastDirectBreakdown = "";
    private String lastRequests = "";

    AnalysisBench(Pipeline pipeline, Path images, String size, int threads) throws IOException {
        this.pipeline = pipeline;
        this.size = size;
        this.images = images;
        this.threads = threads;
        try (Stream<Path> list = Files.list(images)) {
            this.files = list.sorted().toList();
        }
        this.analyzer = new ImageAnalyzer(WorkerSettings.from(pipeline.config()).limits());
        this.monitor = new LagMonitor(pipeline.config(), Pattern.compile(Pattern.quote(AnalyzerWorker.groupId(pipeline.config()))), Duration.ofSeconds(1), 10);
        monitor.onReport(rounds::add);
        monitor.start();
    }

    /**
     * {@code count} generated scenes of {@code width} x {@code height}, JPEG and PNG alternating: at
     * 640 x 480 analysis costs a few milliseconds an image, at 96 x 96 well under one, which shows
     * the pipeline's own cost per image.
     */
    public static Path writeImages(Path dir, int count, int width, int height) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            String format = i % 2 == 0 ? "jpg" : "png";
            SampleImages.write(SampleImages.scene(i, width, height), format, dir.resolve(String.format(Locale.ROOT, "scene-%05d.%s", i, format)));
        }
        return dir;
    }

    /** Images per second of the analyzer called directly on {@code threads} threads. */
    double direct() throws Exception {
        Direct run = direct(analyzer, files, threads);
        directCpu.add(run.after().processNanosSince(run.before()) / 1e6 / files.size());
        lastDirectBreakdown = CpuBreakdown.perImage(run.after().since(run.before()), files.size(), 3);
        return run.imagesPerSecond();
    }

    /** One run of the analyzer called directly: its rate, and this process's CPU before and after. */
    public record Direct(double imagesPerSecond, CpuBreakdown before, CpuBreakdown after) {
    }

    /** {@code analyzer} on every one of {@code files}, on a pool of {@code threads}: the baseline of the analysis and scale lines. */
    public static Direct direct(ImageAnalyzer analyzer, List<Path> files, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CpuBreakdown before = CpuBreakdown.now();
            long start = System.nanoTime();
            List<Future<Analysis>> done = new ArrayList<>(files.size());
            for (Path file : files) {
                done.add(pool.submit(() -> analyzer.analyze(file)));
            }
            for (Future<Analysis> f : done) {
                f.get();
            }
            double rate = files.size() / ((System.nanoTime() - start) / 1e9);
            return new Direct(rate, before, CpuBreakdown.now());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Images per second through the pipeline, submit to COMPLETED. */
    double piped() throws Exception {
        CpuBreakdown before = CpuBreakdown.now();
        Map<String, Long> requestsBefore = BrokerRequests.counts();
        long start = System.nanoTime();
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-" + ProcessHandle.current().pid() + "-" + (++jobs), Progress.none());
        pipeline.awaitCompleted(job.jobId(), Duration.ofMinutes(10), Duration.ofMillis(20), summary -> { });
        double rate = job.taskCount() / ((System.nanoTime() - start) / 1e9);
        CpuBreakdown after = CpuBreakdown.now();
        pipedCpu.add(after.processNanosSince(before) / 1e6 / job.taskCount());
        lastBreakdown = CpuBreakdown.perImage(after.since(before), job.taskCount(), 8);
        lastRequests = BrokerRequests.per100(requestsBefore, BrokerRequests.counts(), job.taskCount());
        return rate;
    }

    /** Where the CPU of the last pipeline round went, per image, by thread role; then the direct round's. */
    List<String> lastBreakdowns() {
        return List.of("pipeline CPU, last round: " + lastBreakdown, "direct CPU, last round: " + lastDirectBreakdown,
                "broker requests per 100 images, last pipeline round: " + lastRequests);
    }

    /**
     * CPU per image of this process (brokers, aggregator, workers and all, but not the registry's
     * own process, which is idle once the schemas are known) in the pipeline rounds against the
     * direct rounds: what the pipeline costs on top of the analysis.
     */
    BenchLine cpuLine() {
        return new BenchLine("analysis pipeline: CPU per image (whole process) vs ImageAnalyzer direct", "ms",
                pipedCpu.stream().mapToDouble(Double::doubleValue).toArray(),
                directCpu.stream().mapToDouble(Double::doubleValue).toArray(), Target.report());
    }


    BenchLine line(double[] piped, double[] direct) {
        return new BenchLine(String.format(Locale.ROOT, "analysis pipeline: %,d images %s, submit to COMPLETED, vs ImageAnalyzer direct, %d threads",
                files.size(), size, threads), "images/s", piped, direct, Target.ratioAtLeast(0.9));
    }

    /** Rounds of the lag monitor in which the busy analyzer group was reported STALL, STOP, REWIND or ERR. */
    BenchLine detectorLine() {
        List<LagReport.GroupLag> busy = rounds.stream().flatMap(r -> r.group(AnalyzerWorker.groupId(pipeline.config())).stream())
                .filter(g -> g.lag() > 0).toList();
        long alarms = busy.stream().filter(g -> g.status() != Status.OK && g.status() != Status.WARN).count();
        return BenchLine.alone(String.format(Locale.ROOT, "lag monitor: false alarms in %d busy rounds of the pipeline runs", busy.size()),
                "rounds", new double[] {alarms}, Target.atMost(0));
    }

    @Override
    public void close() {
        monitor.stop();
    }
}
