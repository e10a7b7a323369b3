package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.testing.Partitions;
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

        ChaosRuns.Run run = ChaosRuns.chaos("--images", Integer.toString(IMAGES), "--faults", "4", "--seed", "7",
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
        ChaosRuns.assertNothingLeftRunning();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aPausedBrokerTwoBrokersDownAndTheRegistryGoneLoseNothingAndTwoDownRefuseWrites() {
        ChaosRuns.Run run = ChaosRuns.chaos("--images", Integer.toString(IMAGES), "--faults", "3", "--seed", "11",
                "--kinds", "pause-broker,two-brokers-down,registry-down");

        assertExactlyOnce(run, 3);
        assertThat(run.linesWith("kill -9 schema registry")).singleElement().asString()
                .contains(" 0 task(s) dead-lettered meanwhile", "registry back as pid", "every worker in the group")
                .doesNotContain("unreachable 0 time(s)", "more than");
        assertThat(run.linesWith("SIGSTOP broker")).singleElement().asString().contains("out of sync after").doesNotContain("more than");
        assertThat(run.linesWith("kill -9 brokers")).singleElement().asString().contains("a probe write with acks=all was refused");
        assertThat(run.result()).containsEntry("probeWrites", "1refused/0acknowledged");
        assertThat(run.linesWith("every replica in sync")).hasSize(2).noneMatch(l -> l.contains("more than"));
        ChaosRuns.assertNothingLeftRunning();
    }

    private static void assertExactlyOnce(ChaosRuns.Run run, int faults) {
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
