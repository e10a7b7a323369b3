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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    static final int ORIGINALS = SceneLinks.ORIGINALS;
    /** The direct baseline runs on at most this many of a job's files: its rate does not depend on the job's size. */
    private static final int DIRECT_SAMPLE = 10_000;

    /** What one job size measured; {@code processes} holds each process's share. */
    record Size(int images, double imagesPerSecond, double directPerSecond, double pipelineCpuMicros, double directCpuMicros,
                double peakRssMiB, double peakHeapMiB, double firstResultMillis, double reportMillis, double reportMiB,
                double groupingMillis, List<ScaleDeployment.Use> processes, String deployment) {

        /** "scale 100,000 images 96x96", with the deployment when it is not the one process. */
        String label() {
            return String.format(Locale.ROOT, "scale %,d images 96x96%s", images, deployment.isEmpty() ? "" : ", " + deployment);
        }
    }

    private final ScaleDeployment deployment;
    private final Pipeline pipeline;
    private final Path work;
    private final int threads;
    private final Consumer<String> progress;
    private final SceneLinks scenes;
    private final ImageAnalyzer analyzer;
    private long[][] originalHashes;
    private int jobs;

    ScaleBench(ScaleDeployment deployment, Path cache, Path work, int threads, Consumer<String> progress) throws IOException {
        this.deployment = deployment;
        this.pipeline = deployment.pipeline();
        this.work = work;
        this.threads = threads;
        this.progress = progress;
        this.scenes = SceneLinks.in(cache);
        this.analyzer = new ImageAnalyzer(WorkerSettings.from(pipeline.config()).limits());
    }

    /** An unmeasured job, so that the first size is not the one that pays for compiling the code. */
    void warmUp(int count) throws Exception {
        Path images = links(count);
        direct(sample(images, count));
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-scale-warm-up-" + ProcessHandle.current().pid(), Progress.none());
        deployment.awaitCompleted(job.jobId(), Duration.ofMinutes(10), summary -> { });
        deployment.awaitReport(job.jobId(), Duration.ofMinutes(1));
        SceneLinks.delete(images);
    }

    /** One job of {@code count} images: the pipeline, then the analyzer directly on a sample of the same files. */
    Size run(int count) throws Exception {
        Path images = links(count);
        progress.accept(String.format(Locale.ROOT, "scale %,d: %,d files linked from %,d scenes", count, count, ORIGINALS));
        List<Path> sample = sample(images, Math.min(count, DIRECT_SAMPLE));
        double[] direct = direct(sample);

        System.gc();
        deployment.resetPeaks();
        List<ScaleDeployment.Use> useBefore = deployment.use();
        CpuBreakdown before = CpuBreakdown.now();
        long start = System.nanoTime();
        long[] firstResult = {-1};
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-scale-" + ProcessHandle.current().pid() + "-" + (++jobs),
                Progress.none());
        deployment.awaitCompleted(job.jobId(), Duration.ofMinutes(60), summary -> {
            if (firstResult[0] < 0 && summary.getSucceeded() + summary.getFailed() > 0) {
                firstResult[0] = System.nanoTime();
            }
        });
        long completed = System.nanoTime();
        CpuBreakdown after = CpuBreakdown.now();
        List<ScaleDeployment.Use> useAtCompleted = deployment.use();
        Path report = deployment.awaitReport(job.jobId(), Duration.ofMinutes(30))
                .orElseThrow(() -> new IllegalStateException("no report for " + job.jobId() + " within 30 minutes"));
        long reported = System.nanoTime();
        List<ScaleDeployment.Use> use = ScaleDeployment.Use.between(useBefore, useAtCompleted, deployment.use());
        double rss = use.stream().mapToDouble(ScaleDeployment.Use::peakRssMiB).sum();
        double heap = use.stream().mapToDouble(ScaleDeployment.Use::peakHeapMiB).sum();
        if (job.taskCount() != count) {
            throw new IllegalStateException("the job of " + count + " images published " + job.taskCount() + " tasks");
        }
        double rate = count / ((completed - start) / 1e9);
        double pipelineCpu = use.stream().mapToDouble(ScaleDeployment.Use::cpuSeconds).sum() * 1e6 / count;
        progress.accept(String.format(Locale.ROOT, "scale %,d: pipeline CPU by thread: %s", count,
                CpuBreakdown.perImage(after.since(before), count, 8)));
        double grouping = grouping(count);
        Size size = new Size(count, rate, direct[0], pipelineCpu, direct[1], rss, heap,
                firstResult[0] < 0 ? Double.NaN : (firstResult[0] - start) / 1e6, (reported - completed) / 1e6,
                Files.size(report) / (1024.0 * 1024), grouping, use, deployment.label());
        progress.accept(String.format(Locale.ROOT, "scale %,d: %.0f images/s (direct %.0f), CPU %.0f us/image (direct %.0f),"
                        + " peak RSS %.0f MiB, heap %.0f MiB, first result %.0f ms, report %.0f ms (%.1f MiB), grouping %.0f ms",
                count, rate, direct[0], pipelineCpu, direct[1], rss, heap, size.firstResultMillis(), size.reportMillis(),
                size.reportMiB(), grouping));
        if (use.size() > 1) {
            for (ScaleDeployment.Use u : use) {
                progress.accept(String.format(Locale.ROOT, "scale %,d: %s: CPU %.0f us/image, peak RSS %.0f MiB, peak heap %.0f MiB", count,
                        u.name(), u.cpuSeconds() * 1e6 / count, u.peakRssMiB(), u.peakHeapMiB()));
            }
        }
        SceneLinks.delete(images);
        return size;
    }

    /** {@code count} hard links to the scenes, in a folder of the job's own. */
    private Path links(int count) throws IOException {
        return scenes.link(work.resolve("scale-" + count + "-" + (jobs + 1)), count);
    }

    private static List<Path> sample(Path images, int count) throws IOException {
        try (Stream<Path> files = Files.walk(images)) {
            return files.filter(Files::isRegularFile).sorted().limit(count).toList();
        }
    }

    /** Images per second and CPU microseconds per image of the analyzer called directly on {@code files}. */
    private double[] direct(List<Path> files) throws Exception {
        AnalysisBench.Direct run = AnalysisBench.direct(analyzer, files, threads);
        return new double[] {run.imagesPerSecond(), run.after().processNanosSince(run.before()) / 1e3 / files.size()};
    }

    /** Milliseconds to group {@code count} hashes as the aggregator does when the job completes. */
    private double grouping(int count) throws Exception {
        if (originalHashes == null) {
            List<Path> originals = sample(scenes.originals(), ORIGINALS);
            originalHashes = new long[originals.size()][];
            for (int i = 0; i < originals.size(); i++) {
                if (analyzer.analyze(originals.get(i)) instanceof Analysis.Ok ok) {
                    originalHashes[i] = new long[] {ok.perceptualHash(), ok.wideHash()};
                } else {
                    originalHashes[i] = new long[2];
                }
            }
        }
        List<HashedImage> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long[] hashes = originalHashes[i % originalHashes.length];
            images.add(HashedImage.withHashes("file:/scale/" + i, hashes[0], hashes[1], false));
        }
        long start = System.nanoTime();
        NearDuplicateGrouper.groups(images, AggregatorSettings.defaults().nearDuplicateDistance());
        return (System.nanoTime() - start) / 1e6;
    }

    /** The lines of every size: throughput against direct, CPU the pipeline adds, memory, latencies, report. */
    static List<BenchLine> lines(List<Size> sizes, int threads) {
        List<BenchLine> lines = new ArrayList<>();
        for (Size s : sizes) {
            boolean judged = s.images() >= 100_000;
            String at = s.label();
            lines.add(new BenchLine(String.format(Locale.ROOT, "%s: images/s, submit to COMPLETED, vs ImageAnalyzer direct, %d threads",
                    at, threads), "images/s", new double[] {s.imagesPerSecond()}, new double[] {s.directPerSecond()},
                    judged ? Target.ratioAtLeast(0.7) : Target.report()));
            lines.add(BenchLine.alone(at + ": CPU per image the pipeline adds (whole process minus direct)", "us",
                    new double[] {s.pipelineCpuMicros() - s.directCpuMicros()}, judged ? Target.atMost(300) : Target.report()));
            for (ScaleDeployment.Use u : s.processes()) {
                lines.add(BenchLine.alone(at + ": peak RSS, " + u.name(), "MiB", new double[] {u.peakRssMiB()}, Target.report()));
                lines.add(BenchLine.alone(at + ": peak heap used, " + u.name(), "MiB", new double[] {u.peakHeapMiB()}, Target.report()));
                if (s.processes().size() > 1) {
                    lines.add(BenchLine.alone(at + ": CPU per image, " + u.name(), "us", new double[] {u.cpuSeconds() * 1e6 / s.images()},
                            Target.report()));
                }
            }
            lines.add(BenchLine.alone(at + ": time to the first result counted", "ms", new double[] {s.firstResultMillis()}, Target.report()));
            lines.add(BenchLine.alone(at + ": COMPLETED to report written", "ms", new double[] {s.reportMillis()}, Target.report()));
            lines.add(BenchLine.alone(at + ": report size", "MiB", new double[] {s.reportMiB()}, Target.report()));
            lines.add(BenchLine.alone(at + ": near-duplicate grouping of the job's hashes", "ms", new double[] {s.groupingMillis()},
                    Target.report()));
        }
        if (sizes.size() >= 2 && sizes.get(sizes.size() - 1).images() > sizes.get(sizes.size() - 2).images()) {
            Size largest = sizes.get(sizes.size() - 1);
            Size before = sizes.get(sizes.size() - 2);
            lines.add(new BenchLine(String.format(Locale.ROOT, "scale: images/s at %,d vs at %,d images", largest.images(), before.images()),
                    "images/s", new double[] {largest.imagesPerSecond()}, new double[] {before.imagesPerSecond()},
                    largest.images() >= 1_000_000 ? Target.ratioAtLeast(0.9) : Target.report()));
        }
        return lines;
    }
}
