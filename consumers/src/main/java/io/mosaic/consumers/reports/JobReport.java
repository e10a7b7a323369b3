package io.mosaic.consumers.reports;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.JobTimes;
import io.mosaic.schemas.ResultStatus;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * The job report of DESIGN.md ("Report contract"), written from a completed summary, the job's
 * results and its near-duplicate groups. The summary carries counts only (it must stay a small
 * Kafka record at any job size), so the lists come from the results (blurry images) and from the
 * aggregator's group chunks (near-duplicate groups).
 */
public final class JobReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper LINES = new ObjectMapper();

    private JobReport() {
    }

    /** Where a report's images come from: each once, sorted by URI. */
    @FunctionalInterface
    interface SortedImages {
        /** Hands every image to {@code sink} in order; returns how many. */
        int forEach(ResultSpool.ResultConsumer sink) throws IOException;
    }

    /** Where a report's near-duplicate groups come from: pieces in order, a piece continuing the group before it or starting one. */
    @FunctionalInterface
    interface GroupPieces {
        void forEach(GroupChunkSpool.PieceConsumer sink) throws IOException;

        /** Whole groups held in memory. */
        static GroupPieces of(List<List<String>> groups) {
            return sink -> {
                for (List<String> group : groups) {
                    sink.accept(group, false);
                }
            };
        }
    }

    /**
     * Writes the report of a completed job, streaming, never holding its images in memory:
     * {@code dir/<jobId>.json} (DESIGN.md's report) and {@code dir/<jobId>.ndjson}, one image per
     * line with its job id, for tools that read line by line (DuckDB, pandas, {@code jq}). Each
     * appears atomically, the line form first: a reader that sees the JSON finds both.
     *
     * @param expected how many images the report must list; fewer, and nothing is written
     * @return the JSON report's path, or null when {@code images} gave fewer than {@code expected}
     */
    public static Path write(Path dir, JobSummary summary, SortedImages images, GroupPieces nearDuplicateGroups,
                             int expected) throws IOException {
        Files.createDirectories(dir);
        String name = safeFileName(summary.getJobId());
        Path json = Files.createTempFile(dir, ".report-", ".tmp");
        Path lines = Files.createTempFile(dir, ".report-", ".tmp");
        Path blurry = Files.createTempFile(dir, ".report-", ".tmp");
        try {
            try (JsonGenerator report = JSON.getFactory().createGenerator(json.toFile(), JsonEncoding.UTF8);
                 JsonGenerator perLine = LINES.getFactory().createGenerator(lines.toFile(), JsonEncoding.UTF8);
                 BufferedWriter blurryUris = Files.newBufferedWriter(blurry)) {
                report.useDefaultPrettyPrinter();
                perLine.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
                report.writeStartObject();
                report.writeStringField("jobId", summary.getJobId());
                report.writeStringField("state", summary.getState().name());
                report.writeStringField("source", summary.getSource());
                report.writeNumberField("taskCount", summary.getTaskCount());
                report.writeNumberField("succeeded", summary.getSucceeded());
                report.writeNumberField("failed", summary.getFailed());
                report.writeNumberField("skipped", summary.getSkippedCount());
                report.writeNumberField("duplicatesIgnored", summary.getDuplicatesIgnored());
                report.writeStringField("startedAt", iso(summary.getStartedAt()));
                report.writeStringField("completedAt", iso(summary.getCompletedAt()));
                writeTiming(report, summary);
                report.writeArrayFieldStart("images");
                String[] lastBlurry = {null};
                int listed = images.forEach(r -> {
                    report.writeStartObject();
                    writeImage(report, r);
                    report.writeEndObject();
                    perLine.writeStartObject();
                    perLine.writeStringField("jobId", summary.getJobId());
                    writeImage(perLine, r);
                    perLine.writeEndObject();
                    if (r.getStatus() == ResultStatus.OK && r.getBlurry() && !r.getUri().equals(lastBlurry[0])) {
                        blurryUris.write(r.getUri());
                        blurryUris.newLine();
                        lastBlurry[0] = r.getUri();
                    }
                });
                report.writeEndArray();
                if (listed < expected) {
                    return null;
                }
                blurryUris.close();
                report.writeArrayFieldStart("blurry");
                try (BufferedReader uris = Files.newBufferedReader(blurry)) {
                    for (String uri = uris.readLine(); uri != null; uri = uris.readLine()) {
                        report.writeString(uri);
                    }
                }
                report.writeEndArray();
                report.writeArrayFieldStart("nearDuplicateGroups");
                boolean[] open = {false};
                nearDuplicateGroups.forEach((piece, continuesPrevious) -> {
                    if (!continuesPrevious || !open[0]) {
                        if (open[0]) {
                            report.writeEndArray();
                        }
                        report.writeStartArray();
                        open[0] = true;
                    }
                    for (String uri : piece) {
                        report.writeString(uri);
                    }
                });
                if (open[0]) {
                    report.writeEndArray();
                }
                report.writeEndArray();
                report.writeEndObject();
                perLine.writeRaw('\n');
            }
            Path target = dir.resolve(name + ".json");
            Files.move(lines, dir.resolve(name + ".ndjson"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(json, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(json);
            Files.deleteIfExists(lines);
            Files.deleteIfExists(blurry);
        }
    }

    private static void writeImage(JsonGenerator g, ImageResult r) throws IOException {
        g.writeStringField("uri", r.getUri());
        g.writeStringField("taskId", r.getTaskId());
        g.writeStringField("status", r.getStatus().name());
        g.writeStringField("format", r.getFormat());
        g.writeNumberField("width", r.getWidth());
        g.writeNumberField("height", r.getHeight());
        g.writeNumberField("bytes", r.getBytes());
        g.writeNumberField("meanLuma", round(r.getMeanLuma(), 4));
        g.writeNumberField("sharpness", round(r.getSharpness(), 2));
        g.writeBooleanField("blurry", r.getBlurry());
        g.writeNumberField("orientation", r.getOrientation());
        g.writeStringField("capturedAt", r.getCapturedAt());
        g.writeStringField("perceptualHash", r.getPerceptualHashHex());
        g.writeStringField("wideHash", r.getWideHashHex());
        g.writeStringField("error", r.getError());
        g.writeNumberField("attempts", r.getAttempts());
        g.writeNumberField("fetchMs", millis(r.getFetchMicros()));
        g.writeNumberField("decodeMs", millis(r.getDecodeMicros()));
        g.writeNumberField("analysisMs", millis(r.getAnalysisMicros()));
    }

    /** Job ids come from users: keep only characters that are safe in a file name. */
    static String safeFileName(String jobId) {
        String cleaned = jobId.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.startsWith(".") ? "_" + cleaned.substring(1) : cleaned;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Where the job's time went, per source of delay ({@link JobTimes}), to the hundredth of a millisecond. */
    private static void writeTiming(JsonGenerator g, JobSummary summary) throws IOException {
        JobTimes times = JobTimes.of(summary);
        g.writeObjectFieldStart("timing");
        g.writeNumberField("listingMs", times.listingMs());
        g.writeNumberField("fetchMsPerImage", round(times.fetchMs(), 2));
        g.writeNumberField("decodeMsPerImage", round(times.decodeMs(), 2));
        g.writeNumberField("analysisMsPerImage", round(times.analysisMs(), 2));
        g.writeEndObject();
    }

    private static double millis(long micros) {
        return round(micros / 1000.0, 2);
    }

    private static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }
}
