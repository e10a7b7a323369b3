package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.app.chaos.GroupWatch;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.GroupState;

/**
 * The scaling line: images per second with two {@code mosaic worker} processes against one, each
 * with the same threads, on a pipeline with no analyzer of its own. Each worker is a JVM of its
 * own as a deployment runs it (the chaos runs' child JVMs: serial GC, client compiler), started
 * before the clock and joined to the group before a job is submitted.
 */
final class ScalingBench implements AutoCloseable {

    private final Pipeline pipeline;
    private final Path images;
    private final ChildJvm first;
    private final ChildJvm second;
    private int jobs;

    ScalingBench(Pipeline pipeline, Path images, Path work, int threads) throws Exception {
        this.pipeline = pipeline;
        this.images = images;
        this.first = worker("scale-1", work, threads);
        this.second = worker("scale-2", work, threads);
        first.start();
        first.awaitRunning(Duration.ofSeconds(90));
        awaitMembers(1);
    }

    private ChildJvm worker(String name, Path work, int threads) {
        List<String> args = new ArrayList<>(ChildJvm.connection(pipeline.config()));
        args.addAll(List.of("--threads", Integer.toString(threads), "--http-port", "0",
                "--set", "instance.id=" + name, "--set", "source.file.allowed.roots=" + images));
        return new ChildJvm(name, "worker", args, "1g", work.resolve(name + ".log"));
    }

    /** One round with one worker process, then with two: images per second of each. */
    double[] round() throws Exception {
        double one = job();
        second.start();
        second.awaitRunning(Duration.ofSeconds(90));
        awaitMembers(2);
        double two = job();
        second.terminate(Duration.ofSeconds(30));
        awaitMembers(1);
        return new double[] {one, two};
    }

    private double job() throws Exception {
        long start = System.nanoTime();
        JobSubmitter.SubmittedJob job = pipeline.submit(images, "bench-scaling-" + ProcessHandle.current().pid() + "-" + (++jobs),
                Progress.none());
        pipeline.awaitCompleted(job.jobId(), Duration.ofMinutes(10), Duration.ofMillis(20), s -> { });
        return job.taskCount() / ((System.nanoTime() - start) / 1e9);
    }

    /** Waits until the analyzer group is stable, its members from {@code processes} worker processes. */
    private void awaitMembers(int processes) throws Exception {
        try (GroupWatch watch = new GroupWatch(pipeline.config(), "bench-scaling")) {
            Poll.until(Duration.ofSeconds(120), Duration.ofMillis(200), () -> {
                GroupWatch.GroupView group = watch.describe(AnalyzerWorker.groupId(pipeline.config()));
                long seen = group.members().stream().map(m -> m.clientId().contains("scale-2")).distinct().count();
                // Every member holds partitions: the tasks topic has more partitions than both processes have threads.
                return group.state() == GroupState.STABLE && seen == processes
                        && group.members().stream().noneMatch(m -> m.partitions().isEmpty());
            }, "the analyzer group to settle on " + processes + " worker process(es)");
        }
    }

    static BenchLine line(int threads, double[] two, double[] one) {
        return new BenchLine(String.format(Locale.ROOT, "scaling: 2 worker processes vs 1, %d threads each", threads),
                "images/s", two, one, Target.report());
    }

    @Override
    public void close() {
        second.destroy();
        first.destroy();
    }
}
