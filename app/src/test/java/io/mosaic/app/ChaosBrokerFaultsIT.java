package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.testing.Partitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each kind of broker and network fault of {@code mosaic chaos}, one short seeded run per group:
 * every task counted exactly once, and the fault itself shown to have been real while it lasted
 * (a cut-off broker unreachable from the clients' side, a cut-off leader still reachable, a client
 * cut off from the brokers unable to reach them and dropped from its group, a write
 * refused with two brokers down; a worker started while the registry is gone waits for it, and
 * no task of it goes to the dead-letter topic, which the exactly-once check would count as lost)
 * and gone afterwards (no namespace of the run left, no process).
 */
class ChaosBrokerFaultsIT {

    private static final int IMAGES = 40;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void networkPartitionsAndASlowLinkLoseNothing() throws Exception {
        Partitions.assumeAvailable("ChaosBrokerFaultsIT network faults");

        MosaicRuns.Run run = MosaicRuns.chaos("--images", Integer.toString(IMAGES), "--faults", "4", "--seed", "7",
                "--kinds", "isolate-broker,partition-leader,slow-broker,partition-client");

        assertExactlyOnce(run, 4);
        assertThat(run.linesWith("isolated: broker 1 at 10.213.")).hasSize(1);
        assertThat(run.linesWith("isolate broker")).singleElement().asString()
                .contains("unreachable from the clients' side yes").doesNotContain("more than");
        assertThat(run.linesWith("cut broker")).singleElement().asString()
                .contains("off from brokers", "and the controller: still reachable by clients yes", "a follower leads after")
                .doesNotContain("more than");
        assertThat(run.linesWith("limit broker")).singleElement().asString().contains("to 1mbit");
        assertThat(run.linesWith("every replica in sync")).hasSize(3).noneMatch(l -> l.contains("more than"));
        assertThat(run.linesWith("off from every broker and the controller")).singleElement().asString()
                .contains("it could not reach broker 1 yes", "its group went on without it after").doesNotContain("more than");
        assertThat(run.result().get("leaderMoved")).matches("[0-9.]+s");
        assertThat(IsolatedNetwork.namespacesOf(ProcessHandle.current().pid())).as("the run's namespaces afterwards").isEmpty();
        MosaicRuns.assertNothingLeftRunning();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aPausedBrokerTwoBrokersDownAndTheRegistryGoneLoseNothingAndTwoDownRefuseWrites() {
        MosaicRuns.Run run = MosaicRuns.chaos("--images", Integer.toString(IMAGES), "--faults", "3", "--seed", "11",
                "--kinds", "pause-broker,two-brokers-down,registry-down");

        assertExactlyOnce(run, 3);
        assertThat(run.linesWith("kill -9 schema registry")).singleElement().asString()
                .contains(" 0 task(s) dead-lettered meanwhile", "registry back as pid", "every worker in the group")
                .doesNotContain("unreachable 0 time(s)", "more than");
        // The pause is real: the kernel reports the broker stopped. How soon the others are seen to
        // drop it is measured, not required: once in a few CI runs the observer did not see it
        // within 45 s although the job lost nothing.
        assertThat(run.linesWith("SIGSTOP broker")).singleElement().asString().contains("then in state T)", "out of sync after");
        assertThat(run.linesWith("kill -9 brokers")).singleElement().asString().contains("a probe write with acks=all was refused");
        assertThat(run.result()).containsEntry("probeWrites", "1refused/0acknowledged");
        assertThat(run.linesWith("every replica in sync")).hasSize(2).noneMatch(l -> l.contains("more than"));
        MosaicRuns.assertNothingLeftRunning();
    }

    /**
     * The checker can fail: with the protections off ({@code --unsafe}: workers acks=1 without
     * transactions, offsets committed once a result is acknowledged, unclean leader election), the
     * leader of the job's results partition cut off from its followers acknowledges results alone
     * and drops them when it rejoins behind the new leader, and the checker counts them. Whether a
     * result lands on the cut-off leader in the seconds before a follower leads depends on timing
     * (seed 7 lost 37 and 39 in two runs and nothing in a third; in one CI run seeds 7 and 8 lost
     * nothing, their first cut stalling the paced submission, and seed 9 lost one), so up to five
     * seeds are run until one loses, and the run that loses must fail (exit 1).
     */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void withoutItsProtectionsACutOffLeaderLosesResultsAndTheCheckerCountsThem() throws Exception {
        Partitions.assumeAvailable("ChaosBrokerFaultsIT --unsafe partition-leader");

        List<String> outcomes = new ArrayList<>();
        for (String seed : List.of("7", "8", "9", "10", "11")) {
            MosaicRuns.Run run = MosaicRuns.chaos("--unsafe", "--images", Integer.toString(IMAGES), "--faults", "2", "--seed", seed,
                    "--kinds", "partition-leader");

            Map<String, String> result = run.result();
            int wrong = Integer.parseInt(result.get("lost")) + Integer.parseInt(result.get("duplicated"));
            outcomes.add("seed " + seed + ": lost=" + result.get("lost") + " duplicated=" + result.get("duplicated") + " exit " + run.exitCode());
            assertThat(result).containsEntry("mode", "unsafe").containsEntry("faults", "2");
            assertThat(run.linesWith("cut broker")).hasSize(2).allMatch(l -> l.contains("still reachable by clients yes"));
            assertThat(IsolatedNetwork.namespacesOf(ProcessHandle.current().pid())).as("the run's namespaces afterwards").isEmpty();
            MosaicRuns.assertNothingLeftRunning();
            if (wrong > 0) {
                assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
                return;
            }
        }
        throw new AssertionError("no unsafe run lost or duplicated a task: " + outcomes);
    }

    private static void assertExactlyOnce(MosaicRuns.Run run, int faults) {
        Map<String, String> result = run.result();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(result).containsEntry("faults", Integer.toString(faults)).containsEntry("lost", "0").containsEntry("duplicated", "0")
                .containsEntry("tasks", Integer.toString(IMAGES)).containsEntry("state", "COMPLETED")
                .containsEntry("extraResults", "0").containsEntry("missingResults", "0").containsEntry("refolded", "0");
        for (String observedOverExpected : List.of("succeeded", "failed", "sumBytes")) {
            String[] sides = result.get(observedOverExpected).split("/");
            assertThat(sides[0]).as(observedOverExpected).isEqualTo(sides[1]);
        }
    }
}
