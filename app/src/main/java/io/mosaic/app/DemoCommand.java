package io.mosaic.app;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.dashboard.Dashboard;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mosaic demo}: the whole pipeline in one process on an embedded Kafka cluster and schema
 * registry. Generates a sample set when no images are given, submits one job, shows progress,
 * waits for the report, prints a summary and stops everything it started.
 */
@Command(name = "demo", header = "Run one image-analysis job end to end on an embedded Kafka cluster, then exit.",
        mixinStandardHelpOptions = true,
        description = {
                "Run one image-analysis job end to end on an embedded Kafka cluster (real KRaft brokers)",
                "and schema registry, all in this process, then print a summary and exit.",
                "Without --images, a sample set is generated: distinct scenes, near-duplicates,",
                "blurry images and a few broken files."})
final class DemoCommand extends CommandBase.Local implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--images", paramLabel = "DIR", description = "Directory of images to analyse (recursive). Default: a generated sample set.")
    Path images;

    @Mixin
    BrokersOption brokers;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4", description = "Analyzer threads (consumers in group mosaic-analyzers). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "reports", description = "Where the job report is written. Default: ${DEFAULT-VALUE}.")
    Path reportDir;

    @Option(names = "--job-id", paramLabel = "ID", description = "Job id. Default: derived from the images directory, so a rerun is the same job.")
    String jobId;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "30", description = "Distinct scenes in a generated sample set. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "Give up if the job has not completed after this long. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(names = "--serve", description = "Keep the dashboard (and the cluster it watches) up after the job, until Ctrl-C.")
    boolean serve;

    @Option(names = "--s3", description = {"Put the images in an S3 server (S3Proxy, embedded) and submit s3://demo/images:",
            "the workers download every image from the bucket instead of reading files."})
    boolean s3;

    /** The bucket {@code --s3} puts the images in. */
    static final String BUCKET = "demo";

    /** Milliseconds from the JVM's start to the first image counted in the job's summary; -1 until then. */
    private volatile long firstImageUptimeMs = -1;

    /** Counted down once the demo has stopped everything and deleted its temp directory. */
    private final CountDownLatch cleanedUp = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        validate();
        Logging.configure(verbose);
        PrintWriter out = out();
        long started = System.nanoTime();

        Path workDir = Files.createTempDirectory("mosaic-demo-");
        CompletableFuture<SampleImages.SampleSet> samplesWritten = null;
        try {
            Path buckets = workDir.resolve("buckets");
            Path imageDir = s3 ? Files.createDirectories(buckets.resolve(BUCKET).resolve("images"))
                    : images != null ? images : Files.createDirectories(workDir.resolve("images"));
            if (s3 && images != null) {
                EmbeddedS3Server.copyInto(images, imageDir);
            }
            // The sample set is drawn while the cluster starts: neither waits for the other.
            samplesWritten = images != null ? null : CompletableFuture.supplyAsync(() -> SampleImages.writeSampleSet(imageDir, samples, 42));
            out.printf("Starting %d Kafka broker%s (KRaft) and the schema registry...%n", brokers.count(), brokers.count() == 1 ? "" : "s");
            out.flush();
            Pipeline.Builder builder = Pipeline.builder().brokers(brokers.count()).workers(workers).images(s3 ? workDir.resolve("no-files") : imageDir)
                    .reportDir(reportDir).workDir(workDir).instanceId("demo").dashboard(true)
                    .environment(System.getenv());
            if (s3) {
                builder.objectStore(buckets);
            }
            try (Pipeline pipeline = builder.start()) {
                if (samplesWritten != null) {
                    SampleImages.SampleSet set = samplesWritten.join();
                    out.printf("Generated a sample set in %s: %d images (%d blurry, %d near-duplicate copies), %d broken files, %d other files%n",
                            set.directory(), set.images(), set.blurry(), set.nearDuplicateCopies(), set.broken(), set.nonImages());
                }
                out.printf("  bootstrap.servers=%s%n  schema.registry.url=%s%n", pipeline.config().bootstrapServers(),
                        pipeline.config().schemaRegistryUrl());
                pipeline.objectStore().ifPresent(store -> out.printf("  S3 server (S3Proxy): %s, bucket %s in %s%n",
                        store.endpoint(), BUCKET, store.dataDir()));
                Dashboard dashboard = pipeline.dashboard().orElseThrow();
                out.printf("Dashboard: %s%n", dashboard.url());

                long submitStart = System.nanoTime();
                JobSubmitter.SubmittedJob job;
                try (Progress progress = Progress.terminal("Publishing")) {
                    job = s3 ? pipeline.submit("s3://" + BUCKET + "/images/", jobId, progress) : pipeline.submit(imageDir, jobId, progress);
                }
                out.printf("Job %s: %d tasks published to %s (%d other files skipped)%n",
                        job.jobId(), job.taskCount(), job.tasksTopic(), job.skipped());
                out.flush();

                JobSummary summary = awaitCompletion(pipeline, job);
                long jobNanos = System.nanoTime() - submitStart;
                printSummary(out, summary, pipeline.report(job.jobId()).orElseThrow(), jobNanos, System.nanoTime() - started);
                if (serve) {
                    serveUntilStopped(out, dashboard);
                }
                Logging.quietForShutdown();
                return summary.getSucceeded() + summary.getFailed() == summary.getTaskCount() ? 0 : 1;
            }
        } finally {
            if (samplesWritten != null) {
                // Not deleted under the writer's feet when the pipeline failed to start.
                samplesWritten.exceptionally(failure -> null).join();
            }
            deleteRecursively(workDir);
            cleanedUp.countDown();
        }
    }

    /** Keeps the dashboard up until Ctrl-C, SIGTERM or an interrupt; the caller then stops everything. */
    private void serveUntilStopped(PrintWriter out, Dashboard dashboard) {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                // Let the demo stop its parts and delete its temp directory before the JVM halts.
                cleanedUp.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mosaic-demo-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("%nDashboard: %s (serving until Ctrl-C)%n", dashboard.url());
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            // An interrupt asks the demo to stop, like Ctrl-C; the flag is not kept, so that
            // stopping the parts can still wait for their threads.
        } finally {
            ChildProcesses.removeShutdownHook(hook);
        }
    }

    private void validate() {
        if (workers < 1 || workers > 64) {
            throw usageError("--workers must be between 1 and 64, got " + workers);
        }
        if (images != null && !Files.isDirectory(images)) {
            throw usageError("--images: no such directory: " + images);
        }
        if (samples < 1 || samples > 10_000) {
            throw usageError("--samples must be between 1 and 10000, got " + samples);
        }
    }

    /** Waits for the job's COMPLETED summary, with a progress bar, and then for its report. */
    private JobSummary awaitCompletion(Pipeline pipeline, JobSubmitter.SubmittedJob job) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        JobSummary completed;
        try (Progress progress = Progress.terminal("Analysing")) {
            completed = pipeline.awaitCompleted(job.jobId(), timeout, Duration.ofMillis(200),
                    s -> {
                        int counted = s.getSucceeded() + s.getFailed();
                        if (counted > 0 && firstImageUptimeMs < 0) {
                            firstImageUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
                        }
                        progress.stepTo(counted, job.taskCount());
                    });
        }
        if (pipeline.awaitReport(job.jobId(), timeout).isEmpty()) {
            throw new IllegalStateException("job " + job.jobId() + " completed, but its report was not written within "
                    + timeoutSeconds + " s");
        }
        return completed;
    }

    private void printSummary(PrintWriter out, JobSummary s, Path report, long jobNanos, long totalNanos) {
        double seconds = jobNanos / 1e9;
        out.println();
        out.printf("Job %s %s%n", s.getJobId(), s.getState());
        Object[][] counts = {
                {"images", s.getTaskCount()}, {"OK", s.getSucceeded()}, {"FAILED", s.getFailed()},
                {"skipped (not images)", s.getSkippedCount()}, {"duplicates ignored", s.getDuplicatesIgnored()},
                {"blurry", s.getBlurryCount()}, {"near-duplicate groups", s.getNearDuplicateGroupCount()}};
        for (Object[] row : counts) {
            out.printf("  %-22s %6d%n", row);
        }
        out.printf("  job time               %8.1f s (%.1f images/s)%n", seconds, s.getTaskCount() / Math.max(seconds, 1e-3));
        out.printf("  wall time              %8.1f s (including start-up)%n", totalNanos / 1e9);
        out.printf("  first image counted    %8.1f s after the JVM started%n", firstImageUptimeMs / 1e3);
        out.printf("  report                 %s%n", report);
        out.flush();
    }
}
