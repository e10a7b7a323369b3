package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.app.chaos.FaultKind;
import io.mosaic.app.chaos.FaultPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code mosaic chaos} as CI runs it: a short seeded run through separate processes (three
 * brokers, the registry, two workers, two aggregators) must count every task exactly once, and
 * the same run with {@code --unsafe} must be caught double counting, which shows that the checker
 * can fail.
 *
 * <p>Seed 120's three faults are a paused worker (fenced as a zombie), a resubmission of the whole
 * job and a killed aggregator; the resubmission alone makes an aggregator without
 * de-duplication count every task twice. The size of the run comes from system properties, so
 * the {@code chaos} Maven profile runs the same test on 500 images with 10 faults.
 */
class ChaosIT {

    private static final int IMAGES = Integer.getInteger("mosaic.chaos.images", 60);
    private static final int FAULTS = Integer.getInteger("mosaic.chaos.faults", 3);
    private static final long SEED = Long.getLong("mosaic.chaos.seed", 120);
    /** The faults of processes, and one broker killed: the plan of each seed as it was before network faults. */
    private static final String PROCESS_KINDS = FaultKind.PROCESS_FAULTS.stream().map(FaultKind::label).collect(Collectors.joining(","));

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyTaskIsCountedExactlyOnceWhileProcessesAndBrokersFail() {
        MosaicRuns.Run run = chaos();

        Map<String, String> result = run.result();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(result).containsEntry("faults", Integer.toString(FAULTS))
                .containsEntry("lost", "0")
                .containsEntry("duplicated", "0")
                .containsEntry("tasks", Integer.toString(IMAGES))
                .containsEntry("state", "COMPLETED")
                .containsEntry("extraResults", "0")
                .containsEntry("missingResults", "0")
                .containsEntry("refolded", "0");
        // The dashboard's view of the job was followed throughout, and no stall outlived the job.
        assertThat(result).containsKeys("jobStalls", "longestJobStall").doesNotContainKey("stalledAtEnd");
        assertThat(run.linesWith("dashboard: job STALLED")).hasSameSizeAs(run.linesWith("dashboard: job moving again"));
        for (String observedOverExpected : List.of("succeeded", "failed", "sumBytes")) {
            String[] sides = result.get(observedOverExpected).split("/");
            assertThat(sides[0]).as(observedOverExpected).isEqualTo(sides[1]);
        }
        assertThat(run.output()).doesNotContain("Run directory kept");
        MosaicRuns.assertNothingLeftRunning();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void withoutExactlyOnceTheCheckerFindsDuplicates() {
        assertThat(FaultPlan.of(SEED, FAULTS).count(FaultKind.RESUBMIT)).as("the seed's plan resubmits the job").isPositive();

        MosaicRuns.Run run = chaos("--unsafe");

        Map<String, String> result = run.result();
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(Integer.parseInt(result.get("duplicated"))).isGreaterThanOrEqualTo(IMAGES);
        // At least once loses nothing: it only counts some results more than once.
        assertThat(result).containsEntry("lost", "0").containsEntry("mode", "unsafe");
        MosaicRuns.assertNothingLeftRunning();
    }

    private static MosaicRuns.Run chaos(String... extra) {
        return MosaicRuns.chaos(Stream.concat(Stream.of("--images", Integer.toString(IMAGES), "--faults", Integer.toString(FAULTS),
                "--seed", Long.toString(SEED), "--kinds", PROCESS_KINDS), Arrays.stream(extra)).toArray(String[]::new));
    }
}
