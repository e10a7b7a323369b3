package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.dashboard.lag.LagEvaluationBenchmark;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.JobPriority;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mosaic bench}'s lines, run in order on embedded clusters of this process. Each line with
 * a baseline alternates Mosaic and baseline round by round (A B, then B A), so that neither always
 * runs on the warmer machine; medians are reported.
 *
 * <ol>
 *   <li>{@link SubmitBench submit}, {@link AnalysisBench analysis}, {@link AggregatorBench aggregator},
 *       {@link LatencyBench latency}: one pipeline of one broker with its analyzer threads;</li>
 *   <li>{@link FairnessBench fairness}: small jobs behind a big one, dispatched and first come first served, on a pipeline of their own;</li>
 *   <li>{@link ScalingBench scaling}: a pipeline with no analyzer, and worker processes;</li>
 *   <li>lag: the dashboard's evaluation of 50 groups x 500 partitions ({@link LagEvaluationBenchmark});</li>
 *   <li>{@link ColdStartBench cold start}: {@code mosaic demo} in a new JVM, 1 and 3 brokers.</li>
 * </ol>
 */
public final class Bench {

    /**
     * A cluster and registry that are already running, given by their addresses. The bench keeps
     * to names of its own there: topics, consumer groups and application ids all start with a
     * prefix made for the run ({@code mosaic-bench-<hex>}), deleted when the run ends, so that a
     * running Mosaic on the same cluster neither sees the bench's work nor lends it its own.
     */
    public record External(String bootstrapServers, String schemaRegistryUrl) {
    }

    private final BenchSizes sizes;
    private final int threads;
    private final Path work;
    private final PrintWriter out;
    private final External external;
    private final String namespace;
    private int brokers = 1;
    private String scaleHeap;
    private List<Integer> scaleWorkers = List.of(1);
    private int scaleBrokers = 1;
    private List<ScaleBench.Size> scaleMeasured = List.of();
    private List<Integer> fairnessWindows = List.of();

    /** A bench on embedded clusters ({@code external} null) or on the given one. */
    public Bench(BenchSizes sizes, int threads, Path work, PrintWriter out, External external) {
        this.sizes = sizes;
        this.threads = threads;
        this.work = work;
        this.out = out;
        this.external = external;
        this.namespace = "mosaic-bench-" + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL);
    }

    /** Draws the scale lines of the last run (throughput and each process's peak heap against job size) as a PNG. */
    public boolean plotScale(Path file) throws IOException {
        if (scaleMeasured.isEmpty()) {
            return false;
        }
        ScalePlot.write(scaleMeasured, file);
        return true;
    }

    /** Runs the scale line's services as processes of their own, each with this heap (e.g. 512m), instead of in this one. */
    public Bench scaleInProcesses(String heap, List<Integer> workerProcesses, int brokers) {
        this.scaleHeap = heap;
        this.scaleWorkers = List.copyOf(workerProcesses);
        this.scaleBrokers = brokers;
        return this;
    }

    /** Runs the fairness line's dispatched round once with each of these windows (the targets apply to the first). */
    public Bench fairnessWindows(List<Integer> windows) {
        this.fairnessWindows = List.copyOf(windows);
        return this;
    }

    public List<BenchLine> run(Set<BenchPart> parts) throws Exception {
        if (external != null) {
            brokers = ExternalCluster.brokers(external);
        }
        out.println(header());
        out.flush();
        try {
            return lines(parts);
        } finally {
            if (external != null) {
                ExternalCluster.deleteNamespace(external, namespace, out);
            }
        }
    }

    private List<BenchLine> lines(Set<BenchPart> parts) throws Exception {
        List<BenchLine> lines = new ArrayList<>();
        Path images = work.resolve("images");
        Path scenes = AnalysisBench.writeImages(images.resolve("scenes"), Math.max(sizes.images(), sizes.scalingImages()),
                sizes.width(), sizes.height());
        String size = sizes.width() + "x" + sizes.height();
        if (parts.contains(BenchPart.SUBMIT) || parts.contains(BenchPart.ANALYSIS) || parts.contains(BenchPart.LATENCY) || parts.contains(BenchPart.AGGREGATOR)) {
            try (Pipeline pipeline = pipeline().workers(threads).images(images)
                    .reportDir(work.resolve("reports")).workDir(work).instanceId("bench").start()) {
                if (parts.contains(BenchPart.SUBMIT)) {
                    lines.addAll(submit(pipeline));
                }
                double peak = Double.NaN;
                if (parts.contains(BenchPart.ANALYSIS)) {
                    try (AnalysisBench analysis = new AnalysisBench(pipeline, subset(scenes, images.resolve("analysis"), sizes.images()), size, threads)) {
                        BenchLine line = alternate("analysis", round -> analysis.piped(), round -> analysis.direct(), "images/s",
                                analysis::line);
                        analysis.lastBreakdowns().forEach(text -> progress("%s", text));
                        lines.add(line);
                        lines.add(analysis.cpuLine());
                        lines.add(analysis.detectorLine());
                        peak = line.mosaicMedian();
                    }
                }
                // Before the latency line, whose thousands of one-image jobs leave the pipeline's
                // own aggregator and report writer busy for a while after the last is counted.
                if (parts.contains(BenchPart.AGGREGATOR)) {
                    lines.addAll(aggregator(pipeline));
                }
                if (parts.contains(BenchPart.LATENCY)) {
                    lines.addAll(latency(pipeline, scenes, images, size, peak));
                }
            }
        }
        if (parts.contains(BenchPart.FAIRNESS)) {
            lines.addAll(fairness());
        }
        if (parts.contains(BenchPart.SCALE)) {
            lines.addAll(scale());
        }
        if (parts.contains(BenchPart.SCALING)) {
            lines.add(scaling(subset(scenes, images.resolve("scaling"), sizes.scalingImages()), images));
        }
        if (parts.contains(BenchPart.LAG)) {
            lines.add(lag());
        }
        if (parts.contains(BenchPart.COLD_START) && external != null) {
            progress("cold start: skipped, it times mosaic demo on the embedded cluster");
        } else if (parts.contains(BenchPart.COLD_START)) {
            for (int brokers : new int[] {1, 3}) {
                double[] seconds = new double[sizes.coldStarts()];
                for (int i = 0; i < seconds.length; i++) {
                    seconds[i] = ColdStartBench.once(brokers, work.resolve("cold-start-reports"));
                    progress("cold start, %d broker(s), run %d: %.1f s", brokers, i + 1, seconds[i]);
                }
                lines.add(ColdStartBench.line(brokers, seconds));
            }
        }
        return lines;
    }

    /** A pipeline on one embedded broker, or on the external cluster under the run's own names. */
    private Pipeline.Builder pipeline() {
        Pipeline.Builder builder = Pipeline.builder().brokers(1);
        if (external == null) {
            return builder;
        }
        return builder.external(external.bootstrapServers(), external.schemaRegistryUrl()).configure(config -> {
            config.set(KafkaSettings.GROUP_PREFIX, namespace).replicationFor(brokers);
            for (Setting<String> name : TopicConfig.NAMES) {
                config.set(name, namespace + "." + name.defaultValue());
            }
            return config;
        });
    }

    private List<BenchLine> submit(Pipeline pipeline) throws Exception {
        SubmitBench submit = SubmitBench.prepare(pipeline.config(), work, sizes.submitTasks());
        // Unmeasured rounds of each: first connections, the schema's registration, and the JIT
        // compiling both paths (the first rounds of each run at half speed or less).
        for (int warmup = 1; warmup <= 3; warmup++) {
            submit.mosaic(-warmup);
            submit.publishing(-warmup);
            submit.baseline(-warmup);
        }
        return List.of(alternate("submit", submit::mosaic, submit::baseline, "tasks/s", submit::line),
                alternate("publishing", submit::publishing, submit::baseline, "tasks/s", submit::publishingLine));
    }

    private List<BenchLine> latency(Pipeline pipeline, Path scenes, Path images, String size, double peak) throws Exception {
        Path one = Files.createDirectories(images.resolve("one"));
        try (var files = Files.list(scenes)) {
            Path first = files.sorted().findFirst().orElseThrow();
            Files.copy(first, one.resolve(first.getFileName()));
        }
        List<BenchLine> lines = new ArrayList<>();
        try (LatencyBench latency = new LatencyBench(pipeline, one)) {
            latency.smallJobs(2);
            double[] small = latency.smallJobs(sizes.smallJobs());
            progress("small job: median %.0f ms over %d jobs", BenchLine.median(small), small.length);
            lines.add(LatencyBench.smallJobLine(small));
            if (Double.isNaN(peak)) {
                // Without the analysis line, a short pipeline job measures the peak.
                try (AnalysisBench probe = new AnalysisBench(pipeline, subset(scenes, images.resolve("peak"), sizes.images()), size, threads)) {
                    peak = probe.piped();
                }
                progress("latency: peak measured as %.0f images/s", peak);
            }
            for (int percent : new int[] {50, 90}) {
                double rate = peak * percent / 100;
                double[] millis = latency.underLoad(rate, sizes.latencyPerLevel());
                progress("latency at %d%% of %.0f images/s: p50 %.0f ms, p99 %.0f ms", percent, peak,
                        BenchLine.percentile(millis, 50), BenchLine.percentile(millis, 99));
                lines.addAll(LatencyBench.loadLines(percent, rate, millis));
            }
        }
        return lines;
    }

    private List<BenchLine> aggregator(Pipeline pipeline) throws Exception {
        AggregatorBench aggregator = AggregatorBench.prepare(pipeline.config(), work, sizes.aggregatorJobs(), sizes.resultsPerJob());
        int rounds = sizes.rounds();
        double[] eos = new double[rounds];
        double[] plain = new double[rounds];
        double[] alos = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            // The three in a rotated order, so that none always runs first.
            for (int k = 0; k < 3; k++) {
                switch ((round + k) % 3) {
                    case 0 -> eos[round] = aggregator.mosaic(true);
                    case 1 -> plain[round] = aggregator.baseline();
                    default -> alos[round] = aggregator.mosaic(false);
                }
            }
            progress("aggregator round %d: exactly-once %.0f, plain Streams exactly-once %.0f, at-least-once %.0f results/s",
                    round + 1, eos[round], plain[round], alos[round]);
        }
        return aggregator.lines(eos, plain, alos);
    }

    private List<BenchLine> scale() throws Exception {
        List<ScaleBench.Size> measured = new ArrayList<>();
        Path cache = cache();
        Path images = Files.createDirectories(work.resolve("scale"));
        List<Integer> workerCounts = scaleHeap == null ? List.of(0) : scaleWorkers;
        for (int workers : workerCounts) {
            Path dir = Files.createDirectories(work.resolve("scale-" + workers));
            Pipeline.Builder builder = pipeline().images(images).reportDir(dir.resolve("reports")).workDir(dir.resolve("state"))
                    .instanceId("bench-scale");
            if (external == null) {
                builder.brokers(scaleBrokers);
            }
            try (ScaleDeployment deployment = scaleHeap == null
                    ? ScaleDeployment.inProcess(builder.workers(threads).start())
                    : ScaleDeployment.processes(builder.services(false).workers(0).start(), dir, images, threads, scaleHeap, workers)) {
                ScaleBench scale = new ScaleBench(deployment, cache, images, threads, text -> progress("%s", text));
                scale.warmUp(Math.max(100, Math.min(2_000, 2 * sizes.scaleSizes().get(0))));
                for (int count : sizes.scaleSizes()) {
                    measured.add(scale.run(count));
                }
            }
        }
        scaleMeasured = List.copyOf(measured);
        return ScaleBench.lines(measured, threads);
    }

    /**
     * The fairness lines on a pipeline of their own: dispatched with each window asked for (the
     * configured one by default; the targets apply to the first), then first come first served.
     */
    private List<BenchLine> fairness() throws Exception {
        List<BenchLine> lines = new ArrayList<>();
        SceneLinks scenes = SceneLinks.in(cache());
        List<Integer> windows = fairnessWindows.isEmpty() ? List.of(-1) : fairnessWindows;
        for (int i = 0; i < windows.size(); i++) {
            int window = windows.get(i);
            Path dir = Files.createDirectories(work.resolve("fairness-" + i));
            Pipeline.Builder builder = pipeline().workers(threads).images(dir).reportDir(dir.resolve("reports")).workDir(dir.resolve("state"))
                    .instanceId("bench-fairness");
            if (window > 0) {
                builder.configure(config -> config.set(DispatchSettings.WINDOW, Integer.toString(window)));
            }
            try (Pipeline pipeline = builder.start();
                 FairnessBench fairness = new FairnessBench(pipeline, scenes, dir, new FairnessBench.Load(sizes.fairnessImages(), 10,
                         sizes.fairnessEvery(), Math.max(3, sizes.rounds() + 2)), text -> progress("%s", text))) {
                fairness.warmUp();
                String mode = String.format(Locale.ROOT, "dispatched, window %,d", pipeline.config().get(DispatchSettings.WINDOW));
                BenchLine cost = alternate("fairness, big job alone (" + mode + " vs first come first served)", round -> fairness.alone(true),
                        round -> fairness.alone(false), "images/s", (m, b) -> fairness.costLine(mode, m, b));
                FairnessBench.Round round = fairness.round(true, mode);
                lines.addAll(fairness.lines(round, cost.mosaic(), i == 0));
                if (i == 0) {
                    FairnessBench.Round fifo = fairness.round(false, "first come first served");
                    lines.addAll(fairness.lines(fifo, cost.baseline(), false));
                }
                lines.add(cost);
                if (i == 0) {
                    lines.add(fairness.shares(JobPriority.NORMAL, JobPriority.NORMAL));
                    lines.add(fairness.shares(JobPriority.HIGH, JobPriority.BATCH));
                }
            }
        }
        return lines;
    }

    private static Path cache() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mosaic-bench-cache");
    }

    private BenchLine scaling(Path scenes, Path images) throws Exception {
        double[] one = new double[sizes.rounds()];
        double[] two = new double[sizes.rounds()];
        try (Pipeline pipeline = pipeline().workers(0).images(images)
                .reportDir(work.resolve("scaling-reports")).workDir(work.resolve("scaling")).instanceId("bench-scaling").start();
             ScalingBench scaling = new ScalingBench(pipeline, scenes, work, threads)) {
            for (int round = 0; round < sizes.rounds(); round++) {
                double[] r = scaling.round();
                one[round] = r[0];
                two[round] = r[1];
                progress("scaling round %d: 1 process %.1f, 2 processes %.1f images/s", round + 1, one[round], two[round]);
            }
        }
        return ScalingBench.line(threads, two, one);
    }

    private BenchLine lag() {
        double[] full = new double[1];
        double[] base = new double[1];
        LagEvaluationBenchmark.Result r = LagEvaluationBenchmark.measure(Math.max(10, sizes.lagRounds()), sizes.lagRounds());
        full[0] = r.withMetricsMs();
        base[0] = r.baselineMs();
        progress("lag evaluation: %.1f ms a round (baseline %.2f ms)", full[0], base[0]);
        return new BenchLine("lag evaluation: 50 groups x 500 partitions, one round, vs lag = end - committed", "ms", full, base,
                BenchLine.Target.atMost(1_000));
    }

    /** A value per round of Mosaic and of its baseline, alternated. */
    private BenchLine alternate(String what, Measure mosaic, Measure baseline, String unit, LineMaker make) throws Exception {
        double[] m = new double[sizes.rounds()];
        double[] b = new double[sizes.rounds()];
        for (int round = 0; round < sizes.rounds(); round++) {
            if (round % 2 == 0) {
                m[round] = mosaic.once(round);
                b[round] = baseline.once(round);
            } else {
                b[round] = baseline.once(round);
                m[round] = mosaic.once(round);
            }
            progress("%s round %d: Mosaic %.1f, baseline %.1f %s", what, round + 1, m[round], b[round], unit);
        }
        return make.line(m, b);
    }

    @FunctionalInterface
    interface Measure {
        double once(int round) throws Exception;
    }

    @FunctionalInterface
    interface LineMaker {
        BenchLine line(double[] mosaic, double[] baseline);
    }

    /** The first {@code count} of {@code scenes}, linked into a folder of their own. */
    private static Path subset(Path scenes, Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        try (var files = Files.list(scenes)) {
            for (Path file : files.sorted().limit(count).toList()) {
                Files.createLink(dir.resolve(file.getFileName()), file);
            }
        }
        return dir;
    }

    private void progress(String format, Object... args) {
        out.printf(Locale.ROOT, "  " + format + "%n", args);
        out.flush();
    }

    private String header() {
        String where = external == null ? "embedded cluster" : String.format(Locale.ROOT, "cluster %s (%d brokers), registry %s, names %s.*",
                external.bootstrapServers(), brokers, external.schemaRegistryUrl(), namespace);
        return String.format(Locale.ROOT, "mosaic bench: %d round(s), %d analyzer threads; %d cores, %d MiB heap, Java %s, Kafka clients %s; %s",
                sizes.rounds(), threads, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), KafkaClients.version(), where);
    }

    /** The run's results as a table, Markdown or JSON, under the run's header. */
    public BenchReport report() {
        return new BenchReport(header(), sizes.rounds(), threads);
    }
}
