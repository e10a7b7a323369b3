package io.mosaic.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CancelledJobsTest {

    private final CancelledJobs cancelled = new CancelledJobs(MosaicConfig.defaults(),
            Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry()));

    private static ImageJob job(String jobId, boolean isCancelled) {
        return ImageJob.newBuilder().setJobId(jobId).setSource("file:/photos/").setTaskCount(3)
                .setSubmittedAt(Instant.parse("2025-01-01T00:00:00Z")).setCancelled(isCancelled).build();
    }

    @Test
    void aJobIsCancelledByItsCancellingRecordAndStaysCancelledUntilATombstone() {
        cancelled.apply("a", job("a", false));
        cancelled.apply("b", job("b", false));
        assertThat(cancelled.isCancelled("a")).isFalse();

        cancelled.apply("a", job("a", true));
        assertThat(cancelled.isCancelled("a")).isTrue();
        assertThat(cancelled.isCancelled("b")).isFalse();

        cancelled.apply("a", job("a", false));
        assertThat(cancelled.isCancelled("a")).as("a resubmission does not undo a cancellation").isTrue();

        cancelled.apply("a", null);
        assertThat(cancelled.isCancelled("a")).isFalse();
        cancelled.apply(null, job("c", true));
        assertThat(cancelled.isCancelled("c")).as("the key decides the job").isFalse();
    }

    @Test
    void aSkippedTaskIsAFailedResultForTheSameTaskThatWasNeverFetched() {
        ImageTask task = ImageTask.newBuilder().setTaskId("t1").setJobId("a").setUri("file:/photos/x.png")
                .setSubmittedAt(Instant.parse("2025-01-01T00:00:00Z")).build();
        Instant now = Instant.parse("2025-01-01T00:00:05Z");

        ImageResult result = CancelledJobs.skipped(task, "w-0", now);

        assertThat(result.getTaskId()).isEqualTo("t1");
        assertThat(result.getJobId()).isEqualTo("a");
        assertThat(result.getUri()).isEqualTo("file:/photos/x.png");
        assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getError()).isEqualTo("job cancelled");
        assertThat(result.getAttempts()).isZero();
        assertThat(result.getWorker()).isEqualTo("w-0");
        assertThat(result.getAnalyzedAt()).isEqualTo(now);
    }
}
