package io.mosaic.consumers.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobReportTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private static ImageResult result(String uri, ResultStatus status, boolean blurry) {
        return ImageResult.newBuilder()
                .setJobId("job").setTaskId("task-" + uri).setUri(uri).setStatus(status)
                .setBlurry(blurry).setError(status == ResultStatus.FAILED ? "cannot decode" : null)
                .setPerceptualHashHex(status == ResultStatus.OK ? HashHex.of(0xABCL) : null)
                .setAnalyzedAt(T0).build();
    }

    @Test
    void listsBlurryImagesFromTheResultsAndGroupsAsGiven() {
        JobSummary summary = JobSummary.newBuilder()
                .setJobId("job").setState(JobState.COMPLETED).setTaskCount(4).setSucceeded(3).setFailed(1)
                .setBlurryCount(2).setNearDuplicateGroupCount(1).setUpdatedAt(T0).setStartedAt(T0).setCompletedAt(T0)
                .build();
        List<ImageResult> results = new ArrayList<>(List.of(
                result("file:/z.jpg", ResultStatus.OK, true),
                result("file:/a.jpg", ResultStatus.OK, false),
                // A FAILED result is never blurry, whatever its flag says.
                result("file:/broken.jpg", ResultStatus.FAILED, true),
                result("file:/m.png", ResultStatus.OK, true)));
        List<List<String>> groups = List.of(List.of("file:/a.jpg", "file:/z.jpg"));

        ObjectNode report = JobReport.build(summary, results, groups);

        assertThat(report.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(report.get("taskCount").asInt()).isEqualTo(4);
        assertThat(texts(report.get("blurry"))).containsExactly("file:/m.png", "file:/z.jpg");
        assertThat(report.get("nearDuplicateGroups")).hasSize(1);
        assertThat(texts(report.get("nearDuplicateGroups").get(0))).containsExactly("file:/a.jpg", "file:/z.jpg");
        assertThat(report.get("images")).hasSize(4);
        assertThat(report.get("images").get(0).get("uri").asText()).isEqualTo("file:/a.jpg");
        assertThat(report.get("images").get(0).get("perceptualHash").asText()).isEqualTo("0000000000000abc");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
