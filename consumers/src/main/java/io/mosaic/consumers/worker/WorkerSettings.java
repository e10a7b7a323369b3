package io.mosaic.consumers.worker;

import io.mosaic.analysis.AnalysisLimits;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * How an analyzer worker process runs: its threads, and what each image may cost.
 *
 * @param threads analyzer threads, each a consumer of the analyzer group
 * @param limits bytes, pixels, time and the blur threshold of the analysis
 */
public record WorkerSettings(int threads, AnalysisLimits limits) {

    public static final Setting<Integer> THREADS = Setting.integer("worker.threads", 4, 1, 256,
            "analyzer threads per worker process, each a consumer of the analyzer group");
    public static final Setting<Long> MAX_BYTES = Setting.whole("analysis.max.bytes", AnalysisLimits.DEFAULT_MAX_BYTES, 1, Long.MAX_VALUE,
            "largest image file analysed, in bytes");
    public static final Setting<Long> MAX_PIXELS = Setting.whole("analysis.max.pixels", AnalysisLimits.DEFAULT_MAX_PIXELS, 1, Long.MAX_VALUE,
            "largest image analysed, in pixels, read from the header before decoding");
    public static final Setting<Double> BLUR_THRESHOLD = Setting.decimal("analysis.blur.threshold", AnalysisLimits.DEFAULT_BLUR_THRESHOLD,
            0, 1e9, "sharpness under which an image is blurry");
    public static final Setting<Long> TIMEOUT_MS = Setting.whole("analysis.timeout.ms", AnalysisLimits.DEFAULT_TIMEOUT.toMillis(), 1,
            Long.MAX_VALUE, "longest time the analysis of one image may take, reading included, in milliseconds; a longer one fails"
                    + " with \"analysis timed out\"");

    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.whole("worker.commit.interval.ms", 100L, 0, 60_000,
            "longest time an analyzer thread keeps adding results to one transaction before committing it, in milliseconds;"
                    + " it commits sooner when it has nothing more to analyse (0: one transaction per poll)");

    public static final List<Setting<?>> SETTINGS = List.of(THREADS, MAX_BYTES, MAX_PIXELS, BLUR_THRESHOLD, TIMEOUT_MS, COMMIT_INTERVAL_MS);

    public static WorkerSettings from(MosaicConfig config) {
        return new WorkerSettings(config.get(THREADS), new AnalysisLimits(config.get(MAX_BYTES), config.get(MAX_PIXELS),
                config.get(BLUR_THRESHOLD), Duration.ofMillis(config.get(TIMEOUT_MS))));
    }
}
