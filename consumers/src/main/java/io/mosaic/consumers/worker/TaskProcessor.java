package io.mosaic.consumers.worker;

import io.mosaic.consumers.analysis.Analysis;
import io.mosaic.consumers.analysis.ImageAnalyzer;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Turns one task into its result: resolves the image's URI inside the allowed roots, analyses it,
 * and reports any failure as a FAILED result with a reason. Never throws for bad input: every
 * task ends as exactly one result.
 */
public final class TaskProcessor {

    private final ImageAnalyzer analyzer;
    private final List<Path> allowedRoots;
    private final Clock clock;

    /** {@code allowedRoots} empty allows any local file. */
    public TaskProcessor(ImageAnalyzer analyzer, List<Path> allowedRoots, Clock clock) {
        this.analyzer = analyzer;
        this.allowedRoots = allowedRoots.stream().map(TaskProcessor::real).toList();
        this.clock = clock;
    }

    public ImageResult process(ImageTask task, String worker) {
        ImageResult.Builder result = ImageResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setJobId(task.getJobId())
                .setUri(task.getUri())
                .setWorker(worker);
        Analysis analysis;
        try {
            analysis = analyzer.analyze(resolve(task.getUri()));
        } catch (IllegalArgumentException e) {
            analysis = new Analysis.Failed(e.getMessage(), 0, 0);
        }
        if (analysis instanceof Analysis.Ok ok) {
            result.setStatus(ResultStatus.OK)
                    .setFormat(ok.format())
                    .setWidth(ok.width())
                    .setHeight(ok.height())
                    .setBytes(ok.bytes())
                    .setMeanLuma(ok.meanLuma())
                    .setSharpness(ok.sharpness())
                    .setBlurry(ok.blurry())
                    .setPerceptualHash(ok.perceptualHash())
                    .setDurationMs(ok.durationMs());
        } else if (analysis instanceof Analysis.Failed failed) {
            result.setStatus(ResultStatus.FAILED)
                    .setError(failed.reason())
                    .setBytes(failed.bytes())
                    .setDurationMs(failed.durationMs());
        }
        return result.setAnalyzedAt(clock.instant()).build();
    }

    private Path resolve(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid URI: " + uri);
        }
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException("unsupported source scheme '" + parsed.getScheme() + "' (only file: is enabled)");
        }
        Path path = Path.of(parsed).normalize();
        if (allowedRoots.isEmpty()) {
            return path;
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("file not found: " + path);
        }
        Path real = real(path);
        if (allowedRoots.stream().noneMatch(real::startsWith)) {
            throw new IllegalArgumentException("path outside the allowed roots: " + path);
        }
        return real;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
