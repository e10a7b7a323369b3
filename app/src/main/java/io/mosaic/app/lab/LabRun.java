package io.mosaic.app.lab;

import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What an experiment is given: a seed for whatever it draws at random, a folder of its own that
 * is deleted afterwards, and where to say what it is doing while it runs.
 */
public record LabRun(long seed, Path directory, Consumer<String> progress) {

    public Random random() {
        return new Random(seed);
    }

    /** Prints {@code format} as one line of progress. */
    public void say(String format, Object... args) {
        progress.accept(String.format(java.util.Locale.ROOT, format, args));
    }
}
