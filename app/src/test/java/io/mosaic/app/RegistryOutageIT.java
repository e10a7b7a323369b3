package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aggregator that meets the schema registry down before it has read a single record: every
 * writer schema it must fetch is unreachable. The rest of the pipeline has every schema cached
 * from a first job, so only the new aggregator needs the registry. It must wait and, once the
 * registry is back, fold the second job to completion with exact counts.
 */
class RegistryOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anAggregatorStartedWithoutTheRegistryFoldsOnceItReturns() throws Exception {
        SampleImages.SampleSet first = SampleImages.writeSampleSet(dir.resolve("images/first"), 4, 1);
        SampleImages.SampleSet second = SampleImages.writeSampleSet(dir.resolve("images/second"), 6, 2);
        try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(1).images(dir.resolve("images"))
                .reportDir(dir.resolve("reports")).workDir(dir.resolve("work")).instanceId("outage").start()) {
            pipeline.submit(first.directory(), "warm-up", Progress.none());
            pipeline.awaitCompleted("warm-up", Duration.ofSeconds(90), Duration.ofMillis(200), summary -> { });

            pipeline.aggregator().stop();
            EmbeddedSchemaRegistry registry = pipeline.registry().orElseThrow();
            registry.kill();
            // A new instance with a cold schema cache: it must fetch every writer schema it reads.
            Topics cold = Topics.create(pipeline.config().topicSettings(), new SchemaRegistryClient(pipeline.config().schemaRegistryUrl()));
            JobAggregator aggregator = new JobAggregator(pipeline.config(), cold, AggregatorSettings.defaults(), true);
            try {
                // Started in the background: it may have records to read at once (the dispatcher's
                // last counts of the first job), and then it reaches RUNNING only once the registry
                // is back, which must not wait for its start to return.
                CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                    try {
                        aggregator.start();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
                pipeline.submit(second.directory(), "during-outage", Progress.none());
                Thread.sleep(OUTAGE.toMillis());
                assertThat(aggregator.localSummary("during-outage")).as("nothing folded while the registry is down").isEmpty();
                registry.restart();
                started.get(150, TimeUnit.SECONDS);

                JobSummary done = awaitCompleted(aggregator, "during-outage", Duration.ofSeconds(120));
                assertThat(done.getTaskCount()).isEqualTo(second.taskCount());
                assertThat(done.getSucceeded() + done.getFailed()).isEqualTo(second.taskCount());
            } finally {
                aggregator.stop();
            }
        }
    }

    private static JobSummary awaitCompleted(JobAggregator aggregator, String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<JobSummary> summary = Optional.empty();
        while (System.nanoTime() < deadline) {
            summary = aggregator.localSummary(jobId);
            if (summary.isPresent() && summary.get().getState() == JobState.COMPLETED) {
                return summary.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " did not complete within " + timeout.toSeconds() + " s after the registry returned;"
                + " last summary " + summary.map(Object::toString).orElse("none") + ", last failure " + aggregator.lastFailure().orElse("none"));
    }
}
