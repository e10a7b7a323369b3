package io.mosaic.app;

import io.mosaic.analysis.AnalysisLimits;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.consumers.source.ImageSources;
import io.mosaic.consumers.worker.TaskProcessor;
import io.mosaic.platform.config.MosaicConfig;
import java.time.Clock;
import java.time.Duration;

/** Builds the parts that several commands share from one configuration. */
final class Wiring {

    private Wiring() {
    }

    static ImageAnalyzer analyzer(MosaicConfig config) {
        AnalysisLimits defaults = AnalysisLimits.defaults();
        return new ImageAnalyzer(new AnalysisLimits(
                config.getLong(MosaicConfig.ANALYSIS_MAX_BYTES),
                config.getLong(MosaicConfig.ANALYSIS_MAX_PIXELS),
                config.getDouble(MosaicConfig.ANALYSIS_BLUR_THRESHOLD, defaults.blurThreshold()),
                Duration.ofMillis(config.getLong(MosaicConfig.ANALYSIS_TIMEOUT_MS))));
    }

    /** A task processor with the configured sources: file roots, allowed HTTP hosts, retries, breakers. */
    static TaskProcessor taskProcessor(MosaicConfig config) {
        return new TaskProcessor(analyzer(config), ImageSources.from(config), Clock.systemUTC());
    }
}
