package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The latency lines, on the warm pipeline: how long from a task published to its job counted
 * COMPLETED in {@code mosaic.job-summaries}, as a reader of that topic (read_committed) sees it.
 * Each measured task is a job of one image, so that its COMPLETED summary says exactly when that
 * task was counted.
 *
 * <ul>
 *   <li>small job: one-image jobs one after another, each submitted once the one before has completed;</li>
 *   <li>under load: one-image jobs submitted at a fixed rate, a share of the pipeline's peak rate
 *       in images per second, for a fixed time. Latency counts from when a job was due, not when
 *       it was sent, so a submitter that falls behind does not hide the waiting (no coordinated
 *       omission).</li>
 * </ul>
 */
final class LatencyBench implements AutoCloseable {

    private final Pipeline pipeline;
    private final Path oneImage;
    private final Completions completions;
    private final JobSubmitter submitter;
    private int jobs;

    /** {@code oneImage} is a folder holding one image inside the pipeline's allowed roots. */
    LatencyBench(Pipeline pipeline, Path oneImage) throws InterruptedException {
        this.pipeline = pipeline;
        this.oneImage = oneImage;
        this.completions = new Completions(pipeline, "bench-latency");
        this.submitter = new JobSubmitter(pipeline.config(), pipeline.topics());
    }

    /** Milliseconds from submit to COMPLETED of {@code count} one-image jobs run one at a time. */
    double[] smallJobs(int count) throws Exception {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            String jobId = nextJobId();
            long start = System.nanoTime();
            submitter.submit(oneImage, jobId, Progress.none());
            millis[i] = (awaitCompleted(jobId, Duration.ofSeconds(60)) - start) / 1e6;
        }
        return millis;
    }

    /**
     * Milliseconds from due to COMPLETED of one-image jobs due every {@code 1 / ratePerSecond} for
     * {@code duration}.
     */
    double[] underLoad(double ratePerSecond, Duration duration) throws Exception {
        long interval = (long) (1e9 / ratePerSecond);
        int count = (int) Math.max(1, duration.toNanos() / interval);
        List<String> ids = new ArrayList<>(count);
        long[] due = new long[count];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            due[i] = start + i * interval;
            long wait = due[i] - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String jobId = nextJobId();
            ids.add(jobId);
            submitter.submit(oneImage, jobId, Progress.none());
        }
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            millis[i] = (awaitCompleted(ids.get(i), Duration.ofMinutes(2)) - due[i]) / 1e6;
        }
        return millis;
    }

    private String nextJobId() {
        return "bench-latency-" + ProcessHandle.current().pid() + "-" + (++jobs);
    }

    private long awaitCompleted(String jobId, Duration timeout) throws InterruptedException {
        return completions.awaitCompleted(jobId, timeout);
    }

    static BenchLine smallJobLine(double[] millis) {
        return BenchLine.alone(String.format(Locale.ROOT, "small job: 1 image, submit to COMPLETED, median of %d", millis.length),
                "ms", millis, Target.atMost(300));
    }

    /** p50 and p99 of one load level, as two lines; the p50 at half the peak has a target. */
    static List<BenchLine> loadLines(int percent, double rate, double[] millis) {
        String at = String.format(Locale.ROOT, "latency at %d%% of peak (%.0f jobs/s, %d jobs)", percent, rate, millis.length);
        return List.of(
                BenchLine.alone(at + ", p50", "ms", new double[] {BenchLine.percentile(millis, 50)},
                        percent <= 50 ? Target.atMost(100) : Target.report()),
                BenchLine.alone(at + ", p99", "ms", new double[] {BenchLine.percentile(millis, 99)}, Target.report()));
    }

    @Override
    public void close() {
        submitter.close();
        completions.close();
    }
}
