package io.mosaic.app;

import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** {@code --seed S}: the seed of a run that draws at random, given or drawn once; the command prints it so the run can be repeated. */
final class SeedOption {

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of everything the run draws at random; printed, so a run can be repeated. Default: random.")
    private Long given;

    private long drawn;

    /** The given seed, or one drawn from 1 to 999,999 on the first call and kept. */
    synchronized long value() {
        if (given == null) {
            if (drawn == 0) {
                drawn = ThreadLocalRandom.current().nextLong(1, 1_000_000);
            }
            return drawn;
        }
        return given;
    }
}
