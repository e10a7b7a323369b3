package io.mosaic.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The sums of a summary: bytes, a checksum that fault tests compare with the size of the job's
 * files, and the times per source of delay that the report and the dashboard divide by the results.
 */
class SumBytesFoldTest {

    @Test
    void everyCountedResultAddsItsBytesOkAndFailedAlike() {
        JobSummary summary = JobSummaryFold.pending("job-1", 1_000);

        JobSummaryFold.count(summary, result("t1", ResultStatus.OK, 4_096), 1_001);
        JobSummaryFold.count(summary, result("t2", ResultStatus.FAILED, 17), 1_002);
        JobSummaryFold.count(summary, result("t3", ResultStatus.FAILED, 0), 1_003);

        assertThat(summary.getSumBytes()).isEqualTo(4_113);
        assertThat(summary.getSucceeded()).isEqualTo(1);
        assertThat(summary.getFailed()).isEqualTo(2);
    }

    @Test
    void timesAddUpPerSourceOfDelayAndTheListingComesFromTheJobRecord() {
        JobSummary summary = JobSummaryFold.pending("job-1", 1_000);
        JobSummaryFold.applyJob(summary, io.mosaic.schemas.ImageJob.newBuilder().setJobId("job-1").setSource("s3://photos/a/")
                .setTaskCount(2).setSubmittedAt(Instant.ofEpochMilli(999)).setListingMs(321).build(), 1_000);
        ImageResult slow = result("t1", ResultStatus.OK, 10);
        slow.setFetchMicros(250_000);
        slow.setDecodeMicros(3_000);
        slow.setAnalysisMicros(2_000);
        ImageResult missing = result("t2", ResultStatus.FAILED, 0);
        missing.setFetchMicros(1_500);

        JobSummaryFold.count(summary, slow, 1_001);
        JobSummaryFold.count(summary, missing, 1_002);

        assertThat(summary.getListingMs()).isEqualTo(321);
        assertThat(summary.getSumFetchMicros()).isEqualTo(251_500);
        assertThat(summary.getSumDecodeMicros()).isEqualTo(3_000);
        assertThat(summary.getSumAnalysisMicros()).isEqualTo(2_000);
    }

    @Test
    void aDuplicateIsNotAdded() {
        JobSummary summary = JobSummaryFold.pending("job-1", 1_000);
        JobSummaryFold.count(summary, result("t1", ResultStatus.OK, 100), 1_001);

        JobSummaryFold.countDuplicate(summary);

        assertThat(summary.getSumBytes()).isEqualTo(100);
        assertThat(summary.getDuplicatesIgnored()).isEqualTo(1);
    }

    private static ImageResult result(String taskId, ResultStatus status, long bytes) {
        return ImageResult.newBuilder()
                .setTaskId(taskId)
                .setJobId("job-1")
                .setUri("file:/images/" + taskId + ".png")
                .setStatus(status)
                .setBytes(bytes)
                .setAnalyzedAt(Instant.ofEpochMilli(1_000))
                .build();
    }
}
