package io.mosaic.app.bench;

import io.mosaic.analysis.Analysis;
import io.mosaic.analysis.HashedImage;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.analysis.NearDuplicateGrouper;
import io.mosaic.app.Pipeline;
import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.streams.AggregatorSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The scale lines ({@code mosaic bench --scale}): jobs of growing size (1,000 to 1,000,000 cheap
 * images) through one pipeline, each against the analyzer called directly on the same files, to
 * show what the pipeline itself costs per image and whether that cost and the memory stay flat
 * as jobs grow.
 *
 * <p>The images are {@value #ORIGINALS} generated scenes of 96 x 96 (analysis well under a
 * millisecond), written once into a cache folder and hard-linked as many times as a job needs,
 * 1,000 to a folder: real files read from disk, without a million encodes or gigabytes of disk.
 * Copies of one scene have one perceptual hash, so every image of a job is in a near-duplicate
 * group, the largest groups a job of that size can have.
 */
final class ScaleBench {

    static final int ORIGINALS = 1_000;
    /** The direct baseline runs on at most this many of a job's files: its rate does not depend on the job's size. */
    private static final int DIRECT_SAMPLE = 10_000;

    /** What one job size measured. */
    record Size(int images, double imagesPerSecond, double directPerSecond, double pipelineCpuMicros, double directCpuMicros,
                double peakRssMiB, double peakHeapMiB, double firstResultMillis, double reportMillis, double reportMiB,
                double groupingMillis) {
    }

    private final Pipeline pipeline;
    private final Path work;
    private final int threads;
    private final Consumer<String> progress;
    private final Path originals;
    private final ImageAnalyzer analyzer;
    private long[] originalHashes;
    private int jobs;

    ScaleBench(Pipeline pipeline, Path cache, Path work, int threads, Consumer<String> progress) throws IOException {
        this.pipeline = pipeline;
        this.work = work;
        this.threads = threads;
        this.progress = progress;
        this.originals = originals(cache);
        this.analyzer = new ImageAnalyzer(WorkerSettings.from(pipeline.config()).limits());
    }

    /** The generated scenes, written on the first run into {@code cache} and kept there. */
    private static Path originals(Path cache) throws IOException {
        Path dir = cache.resolve("scenes-96x96-" + ORIGINALS);
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            AnalysisBench.writeImages(dir, ORIGINALS, 96, 96);
            Files.createFile(done);
        }
        return dir;
    }

    /** An unmeasured job, so that the first size is not the one that pays for compiling the code. */
    void warmUp(int count) throws Exception {
        Path images = links(count);
        direct(sample(images, count));
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-scale-warm-up-" + ProcessHandle.current().pid(), Progress.none());
        pipeline.awaitCompleted(job.jobId(), Duration.ofMinutes(10), Duration.ofMillis(50), summary -> { });
        pipeline.awaitReport(job.jobId(), Duration.ofMinutes(1));
        deleteLinks(images);
    }

    /** One job of {@code count} images: the pipeline, then the analyzer directly on a sample of the same files. */
    Size run(int count) throws Exception {
        Path images = links(count);
        progress.accept(String.format(Locale.ROOT, "scale %,d: %,d files linked from %,d scenes", count, count, ORIGINALS));
        List<Path> sample = sample(images, Math.min(count, DIRECT_SAMPLE));
        double[] direct = direct(sample);

        System.gc();
        Memory.resetPeaks();
        CpuBreakdown before = CpuBreakdown.now();
        long start = System.nanoTime();
        long[] firstResult = {-1};
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-scale-" + ProcessHandle.current().pid() + "-" + (++jobs),
                Progress.none());
        pipeline.awaitCompleted(job.jobId(), Duration.ofMinutes(60), Duration.ofMillis(20), summary -> {
            if (firstResult[0] < 0 && summary.getSucceeded() + summary.getFailed() > 0) {
                firstResult[0] = System.nanoTime();
            }
        });
        long completed = System.nanoTime();
        CpuBreakdown after = CpuBreakdown.now();
        Path report = pipeline.awaitReport(job.jobId(), Duration.ofMinutes(30))
                .orElseThrow(() -> new IllegalStateException("no report for " + job.jobId() + " within 30 minutes"));
        long reported = System.nanoTime();
        double rss = Memory.peakRssMiB();
        double heap = Memory.peakHeapMiB();
        if (job.taskCount() != count) {
            throw new IllegalStateException("the job of " + count + " images published " + job.taskCount() + " tasks");
        }
        double rate = count / ((completed - start) / 1e9);
        double pipelineCpu = after.processNanosSince(before) / 1e3 / count;
        progress.accept(String.format(Locale.ROOT, "scale %,d: pipeline CPU by thread: %s", count,
                CpuBreakdown.perImage(after.since(before), count, 8)));
        double grouping = grouping(count);
        Size size = new Size(count, rate, direct[0], pipelineCpu, direct[1], rss, heap,
                firstResult[0] < 0 ? Double.NaN : (firstResult[0] - start) / 1e6, (reported - completed) / 1e6,
                Files.size(report) / (1024.0 * 1024), grouping);
        progress.accept(String.format(Locale.ROOT, "scale %,d: %.0f images/s (direct %.0f), CPU %.0f us/image (direct %.0f),"
                        + " peak RSS %.0f MiB, heap %.0f MiB, first result %.0f ms, report %.0f ms (%.1f MiB), grouping %.0f ms",
                count, rate, direct[0], pipelineCpu, direct[1], rss, heap, size.firstResultMillis(), size.reportMillis(),
                size.reportMiB(), grouping));
        deleteLinks(images);
        return size;
    }

    /** {@code count} hard links to the originals, 1,000 to a folder, named so that every one is a task of its own. */
    private Path links(int count) throws IOException {
        Path dir = work.resolve("scale-" + count + "-" + (jobs + 1));
        List<Path> scenes;
        try (Stream<Path> files = Files.list(originals)) {
            scenes = files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (int i = 0; i < count; i++) {
            Path folder = dir.resolve(String.format(Locale.ROOT, "%04d", i / 1_000));
            if (i % 1_000 == 0) {
                Files.createDirectories(folder);
            }
            Path scene = scenes.get(i % scenes.size());
            String name = scene.getFileName().toString();
            Files.createLink(folder.resolve(String.format(Locale.ROOT, "%07d-%s", i, name)), scene);
        }
        return dir;
    }

    private static List<Path> sample(Path images, int count) throws IOException {
        try (Stream<Path> files = Files.walk(images)) {
            return files.filter(Files::isRegularFile).sorted().limit(count).toList();
        }
    }

    /** Images per second and CPU microseconds per image of the analyzer called directly on {@code files}. */
    private double[] direct(List<Path> files) throws Exception {
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
            return new double[] {rate, CpuBreakdown.now().processNanosSince(before) / 1e3 / files.size()};
        } finally {
            pool.shutdownNow();
        }
    }

    /** Milliseconds to group {@code count} hashes as the aggregator does when the job completes. */
    private double grouping(int count) throws Exception {
        if (originalHashes == null) {
            List<Path> scenes = sample(originals, ORIGINALS);
            originalHashes = new long[scenes.size()];
            for (int i = 0; i < scenes.size(); i++) {
                if (analyzer.analyze(scenes.get(i)) instanceof Analysis.Ok ok) {
                    originalHashes[i] = ok.perceptualHash();
                }
            }
        }
        List<HashedImage> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            images.add(HashedImage.withHash("file:/scale/" + i, originalHashes[i % originalHashes.length], false));
        }
        long start = System.nanoTime();
        NearDuplicateGrouper.groups(images, AggregatorSettings.defaults().nearDuplicateDistance());
        return (System.nanoTime() - start) / 1e6;
    }

    private static void deleteLinks(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The lines of every size: throughput against direct, CPU the pipeline adds, memory, latencies, report. */
    static List<BenchLine> lines(List<Size> sizes, int threads) {
        List<BenchLine> lines = new ArrayList<>();
        for (Size s : sizes) {
            boolean judged = s.images() >= 100_000;
            String at = String.format(Locale.ROOT, "scale %,d images 96x96", s.images());
            lines.add(new BenchLine(String.format(Locale.ROOT, "%s: images/s, submit to COMPLETED, vs ImageAnalyzer direct, %d threads",
                    at, threads), "images/s", new double[] {s.imagesPerSecond()}, new double[] {s.directPerSecond()},
                    judged ? Target.ratioAtLeast(0.7) : Target.report()));
            lines.add(BenchLine.alone(at + ": CPU per image the pipeline adds (whole process minus direct)", "us",
                    new double[] {s.pipelineCpuMicros() - s.directCpuMicros()}, judged ? Target.atMost(300) : Target.report()));
            lines.add(BenchLine.alone(at + ": peak RSS of the process (brokers, services, workers)", "MiB",
                    new double[] {s.peakRssMiB()}, Target.report()));
            lines.add(BenchLine.alone(at + ": peak heap used", "MiB", new double[] {s.peakHeapMiB()}, Target.report()));
            lines.add(BenchLine.alone(at + ": time to the first result counted", "ms", new double[] {s.firstResultMillis()}, Target.report()));
            lines.add(BenchLine.alone(at + ": COMPLETED to report written", "ms", new double[] {s.reportMillis()}, Target.report()));
            lines.add(BenchLine.alone(at + ": report size", "MiB", new double[] {s.reportMiB()}, Target.report()));
            lines.add(BenchLine.alone(at + ": near-duplicate grouping of the job's hashes", "ms", new double[] {s.groupingMillis()},
                    Target.report()));
        }
        if (sizes.size() >= 2) {
            Size largest = sizes.get(sizes.size() - 1);
            Size before = sizes.get(sizes.size() - 2);
            lines.add(new BenchLine(String.format(Locale.ROOT, "scale: images/s at %,d vs at %,d images", largest.images(), before.images()),
                    "images/s", new double[] {largest.imagesPerSecond()}, new double[] {before.imagesPerSecond()},
                    largest.images() >= 1_000_000 ? Target.ratioAtLeast(0.9) : Target.report()));
        }
        return lines;
    }

    /** Peak resident memory of this process (Linux's VmHWM, which writing 5 to clear_refs resets) and peak heap used. */
    static final class Memory {

        private Memory() {
        }

        static void resetPeaks() {
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            } catch (IOException | UnsupportedOperationException e) {
                // Not Linux, or not allowed: the peak then covers the process's whole life.
            }
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
        }

        static double peakRssMiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                    }
                }
            } catch (IOException e) {
                // Not Linux.
            }
            return Double.NaN;
        }

        static double peakHeapMiB() {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            return peak / (1024.0 * 1024);
        }
    }
}
