package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each job turned COMPLETED, as a reader of {@code mosaic.job-summaries} (read_committed)
 * sees it: the moment a user of the pipeline learns that the job is done.
 */
final class Completions implements AutoCloseable {

    private final Map<String, Long> completedAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> counted = new ConcurrentHashMap<>();
    private final TopicFollower follower;

    /** Follows the pipeline's summaries as consumer {@code name}, from now on. */
    Completions(Pipeline pipeline, String name) throws InterruptedException {
        follower = new TopicFollower(pipeline.config(), name, List.of(pipeline.topics().jobSummaries().name()), record -> {
            JobSummary summary = pipeline.topics().jobSummaries().value(record);
            counted.merge(summary.getJobId(), summary.getSucceeded() + summary.getFailed(), Math::max);
            if (summary.getState() == JobState.COMPLETED) {
                completedAt.putIfAbsent(summary.getJobId(), System.nanoTime());
            }
        });
        follower.start();
        follower.awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** The {@link System#nanoTime()} at which {@code jobId} was seen COMPLETED, if it has been. */
    Long completedAt(String jobId) {
        return completedAt.get(jobId);
    }

    /** Tasks of {@code jobId} with a counted result, as its latest summary seen says. */
    int counted(String jobId) {
        return counted.getOrDefault(jobId, 0);
    }

    /** Waits for {@code jobId} to be COMPLETED; returns the {@link System#nanoTime()} it was seen. */
    long awaitCompleted(String jobId, Duration timeout) throws InterruptedException {
        // The time returned is when the follower saw the summary; looking every millisecond only returns it promptly.
        return Poll.find(timeout, Duration.ofMillis(1), () -> Optional.ofNullable(completedAt.get(jobId)))
                .orElseThrow(() -> new IllegalStateException("job " + jobId + " was not COMPLETED within " + timeout.toSeconds() + " s"));
    }

    @Override
    public void close() {
        follower.stop();
    }
}
