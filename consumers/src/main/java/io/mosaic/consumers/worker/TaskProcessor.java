package io.mosaic.consumers.worker;

import io.mosaic.analysis.Analysis;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.consumers.source.FetchResult;
import io.mosaic.consumers.source.ImageContent;
import io.mosaic.consumers.source.ImageSources;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns one task into its result: fetches the image from its source (file: inside the allowed roots,
 * http(s): from allowed hosts, transient errors retried), analyses it, and reports any failure as a
 * FAILED result with a reason and the attempts made. Never throws for bad input: every task ends as
 * exactly one result.
 */
public final class TaskProcessor implements AutoCloseable {

    private final ImageAnalyzer analyzer;
    private final ImageSources sources;
    private final Clock clock;

    /** Images from {@code sources}, typically {@link ImageSources#from} the worker's configuration. */
    public TaskProcessor(ImageAnalyzer analyzer, ImageSources sources, Clock clock) {
        this.analyzer = analyzer;
        this.sources = sources;
        this.clock = clock;
    }

    /** Local files only, under {@code allowedRoots} ({@code allowedRoots} empty allows any local file). */
    public TaskProcessor(ImageAnalyzer analyzer, List<Path> allowedRoots, Clock clock) {
        this(analyzer, ImageSources.files(allowedRoots), clock);
    }

    /** Closes the sources' clients (an S3 client's pool and threads); a later task makes them again. */
    @Override
    public void close() {
        sources.close();
    }

    public ImageResult process(ImageTask task, String worker) {
        ImageResult.Builder result = ImageResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setJobId(task.getJobId())
                .setUri(task.getUri())
                .setWorker(worker);
        long fetchStarted = System.nanoTime();
        FetchResult fetched = sources.fetch(task.getUri());
        long fetchNanos = System.nanoTime() - fetchStarted;
        result.setAttempts(fetched.attempts()).setFetchMicros(TimeUnit.NANOSECONDS.toMicros(fetchNanos));
        if (fetched instanceof FetchResult.Failed failed) {
            return result.setStatus(ResultStatus.FAILED)
                    .setError(failed.reason())
                    .setDurationMs(TimeUnit.NANOSECONDS.toMillis(fetchNanos))
                    .setAnalyzedAt(clock.instant())
                    .build();
        }
        Analysis analysis;
        try {
            analysis = analyze(((FetchResult.Fetched) fetched).content());
        } catch (RuntimeException e) {
            // The analyzer reports bad images itself; this is a decoder plugin failing in a way it did not
            // foresee. The task still ends as a result, so the job can complete.
            analysis = new Analysis.Failed("analysis failed: " + e, 0, 0);
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
                    .setPerceptualHashHex(HashHex.of(ok.perceptualHash()))
                    .setWideHashHex(HashHex.of(ok.wideHash()))
                    .setOrientation(ok.orientation())
                    .setCapturedAt(ok.capturedAt())
                    .setDurationMs(ok.durationMs())
                    .setDecodeMicros(ok.decodeMicros())
                    .setAnalysisMicros(ok.analysisMicros());
        } else if (analysis instanceof Analysis.Failed failed) {
            result.setStatus(ResultStatus.FAILED)
                    .setError(failed.reason())
                    .setBytes(failed.bytes())
                    .setDurationMs(failed.durationMs());
        }
        return result.setAnalyzedAt(clock.instant()).build();
    }

    private Analysis analyze(ImageContent content) {
        if (content instanceof ImageContent.LocalFile file) {
            return analyzer.analyze(file.path());
        }
        return analyzer.analyze(((ImageContent.Downloaded) content).bytes());
    }
}
