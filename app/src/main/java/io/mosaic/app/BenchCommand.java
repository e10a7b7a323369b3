package io.mosaic.app;

import io.mosaic.app.bench.Bench;
import io.mosaic.app.bench.BenchLine;
import io.mosaic.app.bench.BenchPart;
import io.mosaic.app.bench.BenchSizes;
import io.mosaic.platform.kafka.ClusterSize;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mosaic bench}: Mosaic's performance as ratios against baselines measured in the same run
 * on the same machine and cluster, A and B alternated round by round, medians reported. The
 * lines and how each is measured are in {@link Bench}.
 */
@Command(name = "bench", header = "Measure Mosaic's throughput as ratios against baselines run on this machine.",
        mixinStandardHelpOptions = true,
        description = "Runs each line on an embedded cluster, or on the one --bootstrap-servers names: Mosaic and its "
                + "baseline (Kafka's producer loop, the ImageAnalyzer called directly, plain Kafka Streams) alternated "
                + "round by round; prints the medians, their ratio and the target, with the machine, JDK and Kafka "
                + "versions. Lines: submit, analysis, latency, aggregator, scaling, lag, cold-start. --quick: one small "
                + "round of each, about two minutes. --scale: jobs of 1,000 to 1,000,000 images instead.")
final class BenchCommand extends CommandBase.Local implements Callable<Integer> {

    @Option(names = "--quick", description = "One small round of every line: a smoke run of about two minutes.")
    boolean quick;

    @Option(names = "--images", paramLabel = "N", description = "Images per round of the analysis line. Default: 1000 (--quick: 200).")
    Integer images;

    @Option(names = "--image-size", paramLabel = "WxH", defaultValue = "640x480",
            description = "Size of the generated images. Default: ${DEFAULT-VALUE}; 96x96 shows the pipeline's own cost per image.")
    String imageSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Analyzer threads, direct and in the pipeline. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--rounds", paramLabel = "R", description = "Rounds of each line, alternated with its baseline. Default: 3 (--quick: 1).")
    Integer rounds;

    @Option(names = "--lines", paramLabel = "NAME", split = ",",
            description = "Only these lines (comma-separated): submit, analysis, latency, aggregator, fairness, scaling, lag, cold-start, scale."
                    + " Default: all but scale.")
    List<String> parts;

    @Option(names = "--fairness-windows", paramLabel = "N", split = ",",
            description = "Run the fairness line's dispatched round once with each of these dispatch windows (comma-separated, e.g."
                    + " 250,1000,4000); the targets apply to the first. Default: the configured dispatch.window.")
    List<Integer> fairnessWindows;

    @Option(names = "--scale", description = "Jobs of growing size instead (the scale line): 1,000 to 1,000,000 images of 96x96,"
            + " each against direct analysis, with CPU per image, memory, first result, report and grouping times (--quick: 1,000).")
    boolean scale;

    @Option(names = "--scale-sizes", paramLabel = "N", split = ",",
            description = "Job sizes of --scale, comma-separated. Default: 1000,10000,100000,1000000.")
    List<Integer> scaleSizes;

    @Option(names = "--scale-processes", paramLabel = "HEAP", arity = "0..1", fallbackValue = "512m",
            description = "Run --scale's services (worker, aggregator, reports, jobs-api) as processes of their own with this heap each,"
                    + " and report each one's CPU and memory. Default heap: ${FALLBACK-VALUE}.")
    String scaleProcesses;

    @Option(names = "--scale-workers", paramLabel = "N", split = ",",
            description = "With --scale-processes: runs with this many worker processes each (comma-separated, e.g. 1,2,3). Default: 1.")
    List<Integer> scaleWorkers;

    @Option(names = "--scale-brokers", paramLabel = "1|3", defaultValue = "1",
            description = "With --scale-processes: embedded brokers under the services. Default: ${DEFAULT-VALUE}.")
    int scaleBrokers;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Run on this Kafka cluster instead of embedded ones (with --schema-registry-url). The run's topics and"
                    + " groups get names of their own (mosaic-bench-<hex>.*), deleted at the end; cold-start is skipped.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "The registry of the cluster given by --bootstrap-servers.")
    String schemaRegistryUrl;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "With --scale: also draw throughput and each process's peak heap"
            + " against job size as a PNG.")
    Path plot;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown to FILE (BENCHMARKS.md keeps the latest full run).")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        BenchSizes sizes = quick ? BenchSizes.QUICK : BenchSizes.FULL;
        if (images != null) {
            sizes = sizes.withImages(images);
        }
        if (rounds != null) {
            sizes = sizes.withRounds(rounds);
        }
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("(\\d{1,5})x(\\d{1,5})").matcher(imageSize.trim());
        if (!size.matches() || Integer.parseInt(size.group(1)) < 16 || Integer.parseInt(size.group(2)) < 16) {
            throw usageError("--image-size must be WIDTHxHEIGHT, each at least 16, e.g. 96x96; got '" + imageSize + "'");
        }
        sizes = sizes.withImageSize(Integer.parseInt(size.group(1)), Integer.parseInt(size.group(2)));
        // Checked before anything is started: a bad flag costs nothing.
        if (sizes.images() < 10 || threads < 1 || threads > 64 || sizes.rounds() < 1) {
            throw usageError("--images must be at least 10, --threads 1 to 64 and --rounds at least 1");
        }
        if ((bootstrapServers == null) != (schemaRegistryUrl == null)) {
            throw usageError("--bootstrap-servers and --schema-registry-url go together: give both to run on a cluster, neither"
                    + " for embedded ones");
        }
        if (schemaRegistryUrl != null && !schemaRegistryUrl.matches("https?://\\S+")) {
            throw usageError("--schema-registry-url must be an http(s) URL, got '" + schemaRegistryUrl + "'");
        }
        Bench.External external = bootstrapServers == null ? null : new Bench.External(bootstrapServers, schemaRegistryUrl);
        Logging.configure(verbose);
        PrintWriter out = out();
        if (scaleSizes != null) {
            if (scaleSizes.isEmpty() || scaleSizes.stream().anyMatch(n -> n < 10 || n > 10_000_000)) {
                throw usageError("--scale-sizes must be job sizes from 10 to 10,000,000, e.g. 1000,10000");
            }
            sizes = sizes.withScaleSizes(scaleSizes);
        }
        if (scaleProcesses != null && !scaleProcesses.matches("\\d{1,6}[mMgG]")) {
            throw usageError("--scale-processes takes a heap size such as 512m or 1g, got '" + scaleProcesses + "'");
        }
        if (fairnessWindows != null && fairnessWindows.stream().anyMatch(n -> n < 1 || n > 1_000_000)) {
            throw usageError("--fairness-windows takes windows of 1 to 1000000 tasks");
        }
        if ((scaleWorkers != null || scaleBrokers != 1) && scaleProcesses == null) {
            throw usageError("--scale-workers and --scale-brokers go with --scale-processes");
        }
        if (scaleWorkers != null && scaleWorkers.stream().anyMatch(n -> n < 1 || n > 8)) {
            throw usageError("--scale-workers takes 1 to 8 processes");
        }
        try {
            ClusterSize.require(scaleBrokers, "--scale-brokers");
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        Set<BenchPart> chosen = scale || scaleSizes != null || scaleProcesses != null ? EnumSet.of(BenchPart.SCALE) : BenchPart.standard();
        if (parts != null && !parts.isEmpty()) {
            chosen = EnumSet.noneOf(BenchPart.class);
            for (String name : parts) {
                chosen.add(BenchPart.named(name).orElseThrow(() -> usageError("--lines: no line '" + name
                        + "'; the lines are " + BenchPart.names())));
            }
        }
        Path work = Files.createTempDirectory("mosaic-bench-");
        try {
            Bench bench = new Bench(sizes, threads, work, out, external);
            if (fairnessWindows != null) {
                bench.fairnessWindows(fairnessWindows);
            }
            if (scaleProcesses != null) {
                bench.scaleInProcesses(scaleProcesses, scaleWorkers == null ? List.of(1) : scaleWorkers, scaleBrokers);
            }
            List<BenchLine> lines = bench.run(chosen);
            out.println();
            out.print(bench.report().table(lines));
            out.flush();
            if (json != null) {
                Files.writeString(json, bench.report().json(lines));
                out.println("wrote " + json);
            }
            if (plot != null && bench.plotScale(plot)) {
                out.println("wrote " + plot);
            }
            if (markdown != null) {
                Files.writeString(markdown, bench.report().markdown(lines, commandLine()) + keptNotes(markdown));
                out.println("wrote " + markdown);
            }
            Logging.quietForShutdown();
            return 0;
        } finally {
            deleteRecursively(work);
        }
    }

    /** What follows {@value #NOTES} in an existing Markdown file: written by people, kept across runs. */
    private static String keptNotes(Path file) throws java.io.IOException {
        if (!Files.exists(file)) {
            return "";
        }
        String text = Files.readString(file);
        int notes = text.indexOf(NOTES);
        return notes < 0 ? "" : "\n" + text.substring(notes);
    }

    static final String NOTES = "## What limits each line";

    /** The command as it was typed, for BENCHMARKS.md. */
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "./mosaic " + (args.isEmpty() || !args.get(0).equals("bench") ? "bench " : "") + String.join(" ", args);
    }
}
