package io.mosaic.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.analysis.Analysis;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.samples.SampleImages;
import io.mosaic.producers.JobSubmitter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mosaic bench}: Mosaic's throughput as a ratio against a baseline measured in the same run
 * on the same machine. This first line compares the analysis pipeline (submit to COMPLETED, on an
 * embedded broker) with the same {@link ImageAnalyzer} called directly on as many threads, A and B
 * alternated round by round, medians reported.
 */
@Command(name = "bench", header = "Measure Mosaic's throughput as ratios against baselines run on this machine.",
        mixinStandardHelpOptions = true,
        description = {"Generates images, then alternates rounds of the same images analysed directly (ImageAnalyzer on N threads)",
                "and through the pipeline on an embedded broker (submit to COMPLETED, N analyzer threads); prints the",
                "medians and their ratio with the machine, JDK and Kafka versions. --quick: one small round."})
final class BenchCommand extends CommandBase.Local implements Callable<Integer> {

    @Option(names = "--quick", description = "One round of 200 images: a smoke run, under a minute.")
    boolean quick;

    @Option(names = "--images", paramLabel = "N", defaultValue = "1000", description = "Images per round. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Analyzer threads, direct and in the pipeline. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3", description = "Rounds of each, alternated. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    /** One measured line: what, the rate of Mosaic and of its baseline per round, in images per second. */
    record Line(String name, String unit, double[] mosaic, double[] baseline) {

        double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double ratio() {
            return median(mosaic) / median(baseline);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            images = 200;
            rounds = 1;
        }
        if (images < 10 || threads < 1 || threads > 64 || rounds < 1) {
            throw usageError("--images must be at least 10, --threads 1 to 64 and --rounds at least 1");
        }
        Logging.configure(verbose);
        PrintWriter out = out();
        out.printf("mosaic bench: %d images a round, %d threads, %d round(s); %d cores, %d MiB heap, Java %s, Kafka %s%n",
                images, threads, rounds, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), KafkaClients.version());
        out.flush();
        Path work = Files.createTempDirectory("mosaic-bench-");
        try {
            Path dir = writeImages(work.resolve("images"));
            Line pipelineLine;
            try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(threads).images(dir)
                    .reportDir(work.resolve("reports")).workDir(work).instanceId("bench").start()) {
                ImageAnalyzer analyzer = new ImageAnalyzer(WorkerSettings.from(pipeline.config()).limits());
                List<Path> files = list(dir);
                double[] direct = new double[rounds];
                double[] piped = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    // A then B, then B then A: neither always runs on a warmer machine.
                    if (round % 2 == 0) {
                        direct[round] = direct(analyzer, files);
                        piped[round] = piped(pipeline, dir, round);
                    } else {
                        piped[round] = piped(pipeline, dir, round);
                        direct[round] = direct(analyzer, files);
                    }
                    out.printf("  round %d: direct %.1f images/s, pipeline %.1f images/s%n", round + 1, direct[round], piped[round]);
                    out.flush();
                }
                pipelineLine = new Line("analysis pipeline (submit to COMPLETED) vs ImageAnalyzer direct", "images/s", piped, direct);
            }
            print(out, List.of(pipelineLine));
            if (json != null) {
                writeJson(List.of(pipelineLine));
                out.println("wrote " + json);
            }
            Logging.quietForShutdown();
            return 0;
        } finally {
            deleteRecursively(work);
        }
    }

    private Path writeImages(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < images; i++) {
            // 640 x 480 scenes, JPEG and PNG alternating: analysis costs a few milliseconds an image.
            String format = i % 2 == 0 ? "jpg" : "png";
            SampleImages.write(SampleImages.scene(i, 640, 480), format, dir.resolve(String.format(Locale.ROOT, "scene-%05d.%s", i, format)));
        }
        return dir;
    }

    private double direct(ImageAnalyzer analyzer, List<Path> files) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Analysis>> done = new ArrayList<>(files.size());
            for (Path file : files) {
                done.add(pool.submit(() -> analyzer.analyze(file)));
            }
            for (Future<Analysis> f : done) {
                f.get();
            }
            return files.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private double piped(Pipeline pipeline, Path dir, int round) throws Exception {
        long start = System.nanoTime();
        JobSubmitter.SubmittedJob job = pipeline.submit(dir, "bench-" + ProcessHandle.current().pid() + "-" + round, Progress.none());
        pipeline.awaitCompleted(job.jobId(), Duration.ofMinutes(10), Duration.ofMillis(20), summary -> { });
        return job.taskCount() / ((System.nanoTime() - start) / 1e9);
    }

    private static void print(PrintWriter out, List<Line> lines) {
        out.println();
        out.printf("%-66s %12s %12s %7s%n", "line", "Mosaic", "baseline", "ratio");
        for (Line line : lines) {
            out.printf(Locale.ROOT, "%-66s %12.1f %12.1f %6.2fx%n", line.name(), line.median(line.mosaic()),
                    line.median(line.baseline()), line.ratio());
        }
        out.flush();
    }

    private void writeJson(List<Line> lines) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("java", System.getProperty("java.version"));
        root.put("kafka", KafkaClients.version());
        root.put("images", images);
        root.put("threads", threads);
        ArrayNode array = root.putArray("lines");
        for (Line line : lines) {
            ObjectNode node = array.addObject();
            node.put("line", line.name());
            node.put("unit", line.unit());
            node.put("mosaic", line.median(line.mosaic()));
            node.put("baseline", line.median(line.baseline()));
            node.put("ratio", line.ratio());
        }
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
