package io.mosaic.platform.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSummaryJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JobSummary running() {
        return builder().build();
    }

    /** A fresh builder each time: copying a record through Avro needs the contract classes trusted. */
    private static JobSummary.Builder builder() {
        return JobSummary.newBuilder()
                .setJobId("job-1")
                .setState(JobState.RUNNING)
                .setSource("file:/data/photos/")
                .setTaskCount(40)
                .setSkippedCount(2)
                .setSucceeded(3)
                .setFailed(1)
                .setDuplicatesIgnored(5)
                .setBlurryCount(1)
                .setSumMeanLuma(1.5)
                .setStartedAt(Instant.parse("2025-03-01T10:15:30.123Z"))
                .setUpdatedAt(Instant.parse("2025-03-01T10:15:31.456Z"));
    }

    @Test
    void writesEveryFieldByNameWithTimestampsAsIsoTextAndTheMeanLuma() {
        ObjectNode json = JobSummaryJson.toJson(running());

        assertThat(json.get("jobId").textValue()).isEqualTo("job-1");
        assertThat(json.get("state").textValue()).isEqualTo("RUNNING");
        assertThat(json.get("source").textValue()).isEqualTo("file:/data/photos/");
        assertThat(json.get("taskCount").intValue()).isEqualTo(40);
        assertThat(json.get("skippedCount").intValue()).isEqualTo(2);
        assertThat(json.get("succeeded").intValue()).isEqualTo(3);
        assertThat(json.get("failed").intValue()).isEqualTo(1);
        assertThat(json.get("duplicatesIgnored").intValue()).isEqualTo(5);
        assertThat(json.get("blurryCount").intValue()).isEqualTo(1);
        assertThat(json.get("startedAt").textValue()).isEqualTo("2025-03-01T10:15:30.123Z");
        assertThat(json.get("updatedAt").textValue()).isEqualTo("2025-03-01T10:15:31.456Z");
        assertThat(json.get("completedAt").isNull()).isTrue();
        assertThat(json.get(JobSummaryJson.MEAN_LUMA).doubleValue()).isEqualTo(0.5);
        assertThat(json.get("nearDuplicateGroupCount").intValue()).isZero();
    }

    @Test
    void meanLumaIsNullUntilAnImageSucceeded() {
        JobSummary none = builder().setSucceeded(0).setSumMeanLuma(0).build();

        assertThat(JobSummaryJson.toJson(none).get(JobSummaryJson.MEAN_LUMA).isNull()).isTrue();
    }

    @Test
    void readsBackWhatItWroteThroughText() throws Exception {
        JobSummary completed = builder()
                .setState(JobState.COMPLETED)
                .setSumMeanLuma(0.1 + 0.2)
                .setCompletedAt(Instant.parse("2025-03-01T10:16:00Z"))
                .setNearDuplicateGroupCount(4)
                .build();
        JobSummary cancelled = builder().setState(JobState.CANCELLED).setSource(null).setStartedAt(null).build();

        for (JobSummary summary : List.of(running(), completed, cancelled)) {
            String text = JSON.writeValueAsString(JobSummaryJson.toJson(summary));
            assertThat(JobSummaryJson.fromJson(JSON.readTree(text))).isEqualTo(summary);
        }
    }

    @Test
    void absentFieldsTakeTheSchemaDefaultsAndUnknownOnesAreIgnored() throws Exception {
        JsonNode json = JSON.readTree("""
                {"jobId": "j", "state": "PENDING", "updatedAt": "2025-03-01T10:15:31Z", "meanLuma": 0.3, "fromTheFuture": [1]}""");

        JobSummary summary = JobSummaryJson.fromJson(json);

        assertThat(summary.getJobId()).isEqualTo("j");
        assertThat(summary.getState()).isEqualTo(JobState.PENDING);
        assertThat(summary.getTaskCount()).isEqualTo(-1);
        assertThat(summary.getSucceeded()).isZero();
        assertThat(summary.getSource()).isNull();
        assertThat(summary.getStartedAt()).isNull();
    }

    @Test
    void badInputNamesTheField() throws Exception {
        assertThatThrownBy(() -> JobSummaryJson.fromJson(JSON.readTree("{\"state\": \"RUNNING\", \"updatedAt\": \"2025-03-01T10:15:31Z\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobId");
        assertThatThrownBy(() -> JobSummaryJson.fromJson(JSON.readTree("{\"jobId\": \"j\", \"state\": \"DONE\", \"updatedAt\": \"2025-03-01T10:15:31Z\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state").hasMessageContaining("DONE");
        assertThatThrownBy(() -> JobSummaryJson.fromJson(JSON.readTree("{\"jobId\": \"j\", \"state\": \"RUNNING\", \"updatedAt\": \"yesterday\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("updatedAt");
        assertThatThrownBy(() -> JobSummaryJson.fromJson(JSON.readTree(
                "{\"jobId\": \"j\", \"state\": \"RUNNING\", \"updatedAt\": \"2025-03-01T10:15:31Z\", \"succeeded\": \"3\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("succeeded");
        assertThatThrownBy(() -> JobSummaryJson.fromJson(JSON.readTree("[1, 2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
    }

    @Test
    void aListIsAnObjectWithTheJobsInTheOrderGiven() {
        JobSummary other = builder().setJobId("job-0").build();

        ObjectNode json = JobSummaryJson.toJson(List.of(running(), other));

        assertThat(json.get("jobs")).hasSize(2);
        assertThat(json.get("jobs").get(0).get("jobId").textValue()).isEqualTo("job-1");
        assertThat(json.get("jobs").get(1).get("jobId").textValue()).isEqualTo("job-0");
    }
}
