package io.mosaic.app;

import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** {@code --seed S}: the seed of a run that draws at random, given or drawn; the command prints it so the run can be repeated. */
final class SeedOption {

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of everything the run draws at random; printed, so a run can be repeated. Default: random.")
    private Long given;

    /** Drawn when the option is made, from 1 to 999,999: the same however often {@link #value()} is asked. */
    private final long drawn = ThreadLocalRandom.current().nextLong(1, 1_000_000);

    /** The given seed, or the drawn one. */
    long value() {
        return given != null ? given : drawn;
    }
}
