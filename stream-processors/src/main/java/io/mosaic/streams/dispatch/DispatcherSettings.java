package io.mosaic.streams.dispatch;

import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.MosaicConfig;
import java.time.Duration;

/**
 * How the dispatcher lets tasks in.
 *
 * @param window most tasks of a NORMAL job admitted and without a result ({@code dispatch.window});
 *     HIGH and BATCH jobs get twice and half of it
 * @param express the first tasks of a HIGH or NORMAL job that go to the express lane ({@code dispatch.express})
 * @param releaseInterval how often (wall clock) held tasks are let in for the room results made
 *     since; a result also lets tasks in at once when it makes room for a batch of them
 * @param statusInterval how often (wall clock) changed counts are published to the admissions topic
 */
public record DispatcherSettings(int window, int express, Duration releaseInterval, Duration statusInterval) {

    public DispatcherSettings {
        if (express < 0) {
            throw new IllegalArgumentException("the express share must be 0 or more tasks, got " + express);
        }
        if (window < 1) {
            throw new IllegalArgumentException("the dispatch window must be at least 1 task, got " + window);
        }
        if (releaseInterval.isNegative() || releaseInterval.isZero() || statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("dispatch intervals must be positive");
        }
    }

    public static DispatcherSettings from(MosaicConfig config) {
        return new DispatcherSettings(config.get(DispatchSettings.WINDOW), config.get(DispatchSettings.EXPRESS), Duration.ofMillis(50),
                Duration.ofMillis(500));
    }

    /** A result lets tasks in at once when it has made room for this many (a sixteenth of the window). */
    int releaseBatch(int jobWindow) {
        return Math.max(1, jobWindow / 16);
    }
}
