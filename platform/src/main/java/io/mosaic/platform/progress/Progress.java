package io.mosaic.platform.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work (publishing tasks, waiting for a job). On a terminal it is a progress
 * bar; elsewhere (CI logs, pipes) it stays silent rather than filling the log with redraws.
 */
public interface Progress extends AutoCloseable {

    /** Sets how far the work has come, out of {@code max}. */
    void stepTo(long done, long max);

    @Override
    void close();

    static Progress none() {
        return new Progress() {
            @Override
            public void stepTo(long done, long max) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** A progress bar on the terminal when there is one, else {@link #none()}. */
    static Progress terminal(String task) {
        if (System.console() == null) {
            return none();
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .continuousUpdate()
                .build();
        return new Progress() {
            @Override
            public void stepTo(long done, long max) {
                bar.maxHint(Math.max(max, 1));
                bar.stepTo(done);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
