package io.mosaic.streams.dispatch;

import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.MosaicConfig;
import java.time.Duration;

/**
 * How the dispatcher lets tasks in.
 *
 * @param window most tasks of a NORMAL job admitted and without a result ({@code dispatch.window});
 *     HIGH and BATCH jobs get twice and half of it
 * @param releaseInterval how often (wall clock) held tasks are let in for the room results made
 *     since; a result also lets tasks in at once when it makes room for a batch of them
 * @param statusInterval how often (wall clock) changed counts are published to the admissions topic
 */
public record DispatcherSettings(int window, Duration releaseInterval, Duration statusInterval) {

    public DispatcherSettings {
        if (window < 1) {
            throw new IllegalArgumentException("the dispatch window must be at least 1 task, got " + window);
        }
        if (releaseInterval.isNegative() || releaseInterval.isZero() || statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("dispatch intervals must be positive");
        }
    }

    public static DispatcherSettings from(MosaicConfig config) {
        return new DispatcherSettings(config.get(DispatchSettings.WINDOW), Duration.ofMillis(50), Duration.ofMillis(500));
    }

    public DispatcherSettings withWindow(int tasks) {
        return new DispatcherSettings(tasks, releaseInterval, statusInterval);
    }

    /** A result lets tasks in at once when it has made room for this many (a sixteenth of the window). */
    int releaseBatch(int jobWindow) {
        return Math.max(1, jobWindow / 16);
    }
}
