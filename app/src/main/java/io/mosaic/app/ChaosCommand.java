package io.mosaic.app;

import io.mosaic.app.chaos.ChaosRun;
import io.mosaic.app.chaos.ChaosSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mosaic chaos}: proves exactly-once under faults. Runs a job through separate processes,
 * injects faults from a seed, and checks the job's summary against the truth from its input.
 */
@Command(name = "chaos", header = "Run a job through separate processes under injected faults and check it was counted exactly once.", mixinStandardHelpOptions = true,
        description = {"Run a job of generated images through separate processes (3 brokers, the schema registry,",
                "workers, 2 aggregators with a standby replica), inject faults at moments drawn from a seed",
                "(kill -9 a worker, kill -9 the aggregator that owns the job, SIGSTOP a worker until it is",
                "fenced, kill -9 a broker, resubmit the job, restart a worker with SIGTERM), restart what was",
                "killed, and check that every task was counted exactly once. Prints one line",
                "'faults=K lost=L duplicated=D ...' with the measured recovery times; exits 1 unless L and D are 0",
                "and every other check holds."})
final class ChaosCommand extends CommandBase.Local implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", defaultValue = "500", description = "Images in the job (one in 20 broken on purpose). Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--faults", paramLabel = "K", defaultValue = "10", description = "Faults to inject. Default: ${DEFAULT-VALUE}.")
    int faults;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the images, the faults and their moments; printed, so a run can be repeated. Default: random.")
    Long seed;

    @Option(names = "--unsafe", description = "Run the aggregator at least once and without de-duplication: the checker must then find duplicates.")
    boolean unsafe;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "2", description = "Worker processes (2 analyzer threads each). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--standby-replicas", paramLabel = "0|1", defaultValue = "1",
            description = "Warm copies of the aggregator's state on the other instance; 0 to measure fail-over without. Default: ${DEFAULT-VALUE}.")
    int standbyReplicas;

    @Option(names = "--publish-over", paramLabel = "SECONDS",
            description = "Spread the publishing of the job's tasks over this long, so that faults strike while work is in flight. Default: "
                    + ChaosSettings.PUBLISH_SECONDS_PER_FAULT + " s per fault, at least 20 s.")
    Long publishOverSeconds;

    @Option(names = "--keep", description = "Keep the run's directory (every process's log, the brokers' data) even when the check passes.")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "Longest wait for the job after it is submitted. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        ChaosSettings settings;
        try {
            settings = new ChaosSettings(images, faults, seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000),
                    unsafe, workers, standbyReplicas,
                    publishOverSeconds != null ? Duration.ofSeconds(publishOverSeconds) : ChaosSettings.defaultPublishOver(faults),
                    keep, Duration.ofSeconds(timeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        Logging.configure(verbose);
        ChaosRun.Outcome outcome = new ChaosRun(settings, out()).run();
        Logging.quietForShutdown();
        return outcome.passed() ? 0 : 1;
    }
}
