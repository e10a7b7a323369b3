package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The fairness lines: how long a small job takes to complete while a big one runs, against the
 * same small job on the idle pipeline, and what the small jobs cost the big one.
 *
 * <p>One round on a warm pipeline: small jobs one at a time on the idle pipeline (the baseline);
 * the big job alone; the big job again with a small job submitted a few seconds after it and then
 * every few seconds until it completes. Each job's end is when a reader of the summaries topic
 * sees it COMPLETED. The round runs once with tasks through the dispatcher and once straight into
 * the tasks topic, first come first served ({@code dispatch.enabled=false}), on the same
 * pipeline: what the dispatcher changes.
 */
final class FairnessBench implements AutoCloseable {

    /**
     * A big job of {@code bigImages}, and a small job of {@code smallImages} submitted every
     * {@code smallEvery} while it runs; {@code idleJobs} small jobs timed on the idle pipeline first.
     */
    record Load(int bigImages, int smallImages, Duration smallEvery, int idleJobs) {
    }

    /** What one way of submitting measured. */
    record Round(String mode, double[] idleMillis, double[] behindMillis, double withSmallsRate) {
    }

    private final Pipeline pipeline;
    private final Path big;
    private final Path small;
    private final Load load;
    private final Consumer<String> progress;
    private final Completions completions;
    private final TopicFollower stages;
    /** Per watched job: wall-clock millis of its last task let into the workers' queue and of its last result. */
    private final Map<String, long[]> lastStage = new ConcurrentHashMap<>();
    private int jobs;

    FairnessBench(Pipeline pipeline, SceneLinks scenes, Path work, Load load, Consumer<String> progress) throws Exception {
        this.pipeline = pipeline;
        this.load = load;
        this.progress = progress;
        this.big = scenes.link(work.resolve("fairness-big"), load.bigImages());
        this.small = scenes.link(work.resolve("fairness-small"), load.smallImages());
        this.completions = new Completions(pipeline, "bench-fairness");
        Topics topics = pipeline.topics();
        this.stages = new TopicFollower(pipeline.config(), "bench-fairness-stages",
                List.of(topics.imageTasks().name(), topics.expressTasks().name(), topics.imageResults().name()), record -> {
                    boolean result = record.topic().equals(topics.imageResults().name());
                    String jobId = result ? topics.imageResults().key(record) : topics.imageTasks().value(record).getJobId();
                    long[] stage = lastStage.get(jobId);
                    if (stage != null) {
                        int i = result ? 1 : 0;
                        stage[i] = Math.max(stage[i], record.timestamp());
                    }
                });
        stages.start();
        stages.awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** Warms the pipeline with a big and a small job, unmeasured. */
    void warmUp() throws Exception {
        try (JobSubmitter submitter = submitter(true)) {
            timeJob(submitter, big, Duration.ofMinutes(10));
            timeJob(submitter, small, Duration.ofMinutes(1));
        }
    }

    /**
     * One round, with tasks through the dispatcher ({@code dispatched}) or straight to the workers'
     * queue; {@code mode} names it in the lines.
     */
    Round round(boolean dispatched, String mode) throws Exception {
        try (JobSubmitter submitter = submitter(dispatched)) {
            double[] idle = new double[load.idleJobs()];
            for (int i = 0; i < load.idleJobs(); i++) {
                idle[i] = timeJob(submitter, small, Duration.ofMinutes(1)) / 1e6;
            }
            progress.accept(String.format(Locale.ROOT, "fairness, %s: %d-image job on the idle pipeline, %s ms", mode, load.smallImages(),
                    Arrays.toString(Arrays.stream(idle).mapToLong(Math::round).toArray())));
            String bigJob = nextJobId();
            long start = System.nanoTime();
            submitter.submit(big, bigJob, Progress.none());
            List<String> smallJobs = new ArrayList<>();
            List<Long> submitted = new ArrayList<>();
            List<Long> submittedWall = new ArrayList<>();
            long nextSmall = start + load.smallEvery().toNanos();
            while (completions.completedAt(bigJob) == null) {
                if (System.nanoTime() >= nextSmall) {
                    String id = nextJobId();
                    lastStage.put(id, new long[2]);
                    submittedWall.add(System.currentTimeMillis());
                    submitted.add(System.nanoTime());
                    submitter.submit(small, id, Progress.none());
                    smallJobs.add(id);
                    nextSmall += load.smallEvery().toNanos();
                }
                Thread.sleep(5);
                if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                    throw new IllegalStateException("job " + bigJob + " was not COMPLETED within 30 minutes");
                }
            }
            double withSmalls = load.bigImages() / ((completions.completedAt(bigJob) - start) / 1e9);
            double[] behind = new double[smallJobs.size()];
            double[] released = new double[behind.length];
            double[] analysed = new double[behind.length];
            for (int i = 0; i < behind.length; i++) {
                behind[i] = (completions.awaitCompleted(smallJobs.get(i), Duration.ofMinutes(30)) - submitted.get(i)) / 1e6;
                long[] stage = lastStage.get(smallJobs.get(i));
                released[i] = stage[0] - submittedWall.get(i);
                analysed[i] = stage[1] - submittedWall.get(i);
            }
            if (behind.length > 0) {
                progress.accept(String.format(Locale.ROOT, "fairness, %s: where the small jobs' time went (medians): last task in the"
                        + " workers' queue after %.0f ms, last result after %.0f ms, COMPLETED seen after %.0f ms", mode,
                        BenchLine.median(released), BenchLine.median(analysed), BenchLine.median(behind)));
            }
            progress.accept(String.format(Locale.ROOT, "fairness, %s: %,d-image job with %d small jobs arriving, %.0f images/s;"
                    + " the small jobs, ms: %s", mode, load.bigImages(), behind.length, withSmalls,
                    Arrays.toString(Arrays.stream(behind).mapToLong(Math::round).toArray())));
            return new Round(mode, idle, behind, withSmalls);
        }
    }

    /** Images per second of the big job alone on the idle pipeline, through the dispatcher or straight to the workers' queue. */
    double alone(boolean dispatched) throws Exception {
        try (JobSubmitter submitter = submitter(dispatched)) {
            return load.bigImages() / (timeJob(submitter, big, Duration.ofMinutes(30)) / 1e9);
        }
    }

    /**
     * Two big jobs submitted together, of priorities {@code first} and {@code second}: the images
     * each had done when the first of them completed, i.e. while both ran; the first's count over
     * the second's is their share of the workers.
     */
    BenchLine shares(JobPriority first, JobPriority second) throws Exception {
        try (JobSubmitter submitter = submitter(true)) {
            String a = nextJobId();
            String b = nextJobId();
            submitter.submit(big, a, first, Progress.none());
            submitter.submit(big, b, second, Progress.none());
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (completions.completedAt(a) == null && completions.completedAt(b) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("neither " + a + " nor " + b + " was COMPLETED within 30 minutes");
                }
                Thread.sleep(5);
            }
            double done = completions.counted(a);
            double other = completions.counted(b);
            completions.awaitCompleted(a, Duration.ofMinutes(30));
            completions.awaitCompleted(b, Duration.ofMinutes(30));
            progress.accept(String.format(Locale.ROOT, "fairness, priorities: %s and %s jobs of %,d images submitted together;"
                    + " when the first completed, %,.0f and %,.0f were done", first, second, load.bigImages(), done, other));
            int window = pipeline.config().get(DispatchSettings.WINDOW);
            int a1 = DispatchSettings.window(first, window);
            int b1 = DispatchSettings.window(second, window);
            return new BenchLine(String.format(Locale.ROOT, "fairness, priorities: a %s and a %s job together, images done while both ran"
                    + " (windows %,d : %,d)", first.name().toLowerCase(Locale.ROOT), second.name().toLowerCase(Locale.ROOT), a1, b1),
                    "images", new double[] {done}, new double[] {Math.max(1, other)},
                    a1 > b1 ? Target.ratioAtLeast(0.5 * a1 / b1) : Target.report());
        }
    }

    /** A submitter that publishes through the dispatcher, or straight to the workers' queue. */
    private JobSubmitter submitter(boolean dispatched) {
        return new JobSubmitter(pipeline.config().with(DispatchSettings.ENABLED, Boolean.toString(dispatched)), pipeline.topics());
    }

    /** Nanoseconds from submitting {@code images} as a new job to seeing it COMPLETED. */
    private long timeJob(JobSubmitter submitter, Path images, Duration timeout) throws InterruptedException {
        String id = nextJobId();
        long start = System.nanoTime();
        submitter.submit(images, id, Progress.none());
        return completions.awaitCompleted(id, timeout) - start;
    }

    private String nextJobId() {
        return "bench-fairness-" + ProcessHandle.current().pid() + "-" + (++jobs);
    }

    /** A round's lines: the small jobs behind the big one against idle, and the big job with them against alone. */
    List<BenchLine> lines(Round round, double[] aloneRates, boolean targets) {
        List<BenchLine> lines = new ArrayList<>();
        String behind = String.format(Locale.ROOT, "fairness, %s: %d-image job behind a %,d-image one, to COMPLETED vs idle",
                round.mode(), load.smallImages(), load.bigImages());
        if (round.behindMillis().length > 0) {
            lines.add(new BenchLine(behind + String.format(Locale.ROOT, ", median of %d", round.behindMillis().length), "ms",
                    round.behindMillis(), round.idleMillis(), targets ? Target.ratioAtMost(2) : Target.report()));
            lines.add(new BenchLine(behind + ", slowest", "ms", new double[] {Arrays.stream(round.behindMillis()).max().orElseThrow()},
                    round.idleMillis(), targets ? Target.ratioAtMost(2) : Target.report()));
        }
        lines.add(new BenchLine(String.format(Locale.ROOT, "fairness, %s: %,d-image job with small jobs arriving vs alone",
                round.mode(), load.bigImages()), "images/s", new double[] {round.withSmallsRate()}, aloneRates,
                targets ? Target.ratioAtLeast(0.9) : Target.report()));
        return lines;
    }

    /** What the dispatcher costs a job that runs alone: rounds of each, alternated. */
    BenchLine costLine(String dispatched, double[] dispatchedRates, double[] fifoRates) {
        return new BenchLine(String.format(Locale.ROOT, "fairness: %,d-image job alone, %s vs first come first served", load.bigImages(), dispatched),
                "images/s", dispatchedRates, fifoRates, Target.ratioAtLeast(0.9));
    }

    @Override
    public void close() throws Exception {
        completions.close();
        stages.stop();
        SceneLinks.delete(big);
        SceneLinks.delete(small);
    }
}
