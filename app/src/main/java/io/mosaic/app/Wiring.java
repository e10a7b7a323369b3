package io.mosaic.app;

import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.consumers.source.ImageSources;
import io.mosaic.consumers.source.SourceSettings;
import io.mosaic.consumers.worker.TaskProcessor;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.dashboard.DashboardSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.producers.api.JobsApi;
import io.mosaic.streams.AggregatorSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the parts that several commands share from one configuration, and knows every setting. */
public final class Wiring {

    private Wiring() {
    }

    /** Every module's settings: the one list behind files, flags, the environment and {@code mosaic config --list}. */
    public static List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(MosaicConfig.platformSettings());
        all.addAll(WorkerSettings.SETTINGS);
        all.addAll(SourceSettings.SETTINGS);
        all.addAll(S3Settings.SETTINGS);
        all.addAll(ReportWriter.SETTINGS);
        all.addAll(AggregatorSettings.SETTINGS);
        all.addAll(JobsApi.SETTINGS);
        all.addAll(DashboardSettings.SETTINGS);
        return List.copyOf(all);
    }

    /** A configuration builder that knows every module's settings. */
    static MosaicConfig.Builder config() {
        return MosaicConfig.builder(settings());
    }

    /** A task processor with the configured limits and sources: file roots, allowed HTTP hosts, retries, breakers. */
    public static TaskProcessor taskProcessor(MosaicConfig config) {
        return taskProcessor(config, SourceSettings.from(config));
    }

    /** As {@link #taskProcessor(MosaicConfig)}, with the sources as {@code sources} describe them. */
    static TaskProcessor taskProcessor(MosaicConfig config, SourceSettings sources) {
        return new TaskProcessor(new ImageAnalyzer(WorkerSettings.from(config).limits()), ImageSources.of(sources), Clock.systemUTC());
    }
}
