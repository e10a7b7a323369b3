package io.mosaic.consumers.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The job report of DESIGN.md ("Report contract"), built from a completed summary, the job's
 * results and its near-duplicate groups. The summary carries counts only (it must stay a small
 * Kafka record at any job size), so the lists come from the results (blurry images) and from the
 * aggregator's group chunks (near-duplicate groups).
 */
public final class JobReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JobReport() {
    }

    /** The report as JSON; images sorted by URI so the same job always gives the same file. */
    public static ObjectNode build(JobSummary summary, Collection<ImageResult> results, List<List<String>> nearDuplicateGroups) {
        ObjectNode report = JSON.createObjectNode();
        report.put("jobId", summary.getJobId());
        report.put("state", summary.getState().name());
        report.put("source", summary.getSource());
        report.put("taskCount", summary.getTaskCount());
        report.put("succeeded", summary.getSucceeded());
        report.put("failed", summary.getFailed());
        report.put("skipped", summary.getSkippedCount());
        report.put("duplicatesIgnored", summary.getDuplicatesIgnored());
        report.put("startedAt", iso(summary.getStartedAt()));
        report.put("completedAt", iso(summary.getCompletedAt()));
        ArrayNode images = report.putArray("images");
        List<ImageResult> sorted = results.stream().sorted(Comparator.comparing(ImageResult::getUri)).toList();
        for (ImageResult r : sorted) {
            ObjectNode image = images.addObject();
            image.put("uri", r.getUri());
            image.put("taskId", r.getTaskId());
            image.put("status", r.getStatus().name());
            image.put("format", r.getFormat());
            image.put("width", r.getWidth());
            image.put("height", r.getHeight());
            image.put("bytes", r.getBytes());
            image.put("meanLuma", round(r.getMeanLuma(), 4));
            image.put("sharpness", round(r.getSharpness(), 2));
            image.put("blurry", r.getBlurry());
            image.put("orientation", r.getOrientation());
            image.put("capturedAt", r.getCapturedAt());
            image.put("perceptualHash", r.getPerceptualHashHex());
            image.put("error", r.getError());
            image.put("attempts", r.getAttempts());
        }
        ArrayNode blurry = report.putArray("blurry");
        sorted.stream().filter(r -> r.getStatus() == ResultStatus.OK && r.getBlurry())
                .map(ImageResult::getUri).distinct().forEach(blurry::add);
        ArrayNode groups = report.putArray("nearDuplicateGroups");
        for (List<String> group : nearDuplicateGroups) {
            ArrayNode g = groups.addArray();
            group.forEach(g::add);
        }
        return report;
    }

    /** Writes {@code report} to {@code dir/<jobId>.json} atomically: readers never see half a file. */
    public static Path write(Path dir, ObjectNode report) throws IOException {
        Files.createDirectories(dir);
        String jobId = report.get("jobId").asText();
        Path target = dir.resolve(safeFileName(jobId) + ".json");
        Path temp = Files.createTempFile(dir, ".report-", ".tmp");
        try {
            JSON.writeValue(temp.toFile(), report);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** Job ids come from users: keep only characters that are safe in a file name. */
    static String safeFileName(String jobId) {
        String cleaned = jobId.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.startsWith(".") ? "_" + cleaned.substring(1) : cleaned;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }
}
