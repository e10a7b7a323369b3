package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.app.lab.Experiment;
import io.mosaic.app.lab.Lab;
import io.mosaic.app.lab.LabResult;
import io.mosaic.app.lab.LabRun;
import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.testing.Partitions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every experiment of {@code mosaic lab}, run as the command runs it; each test checks which way
 * its numbers point (AP loses writes and CP does not), never a value, and that nothing it started
 * is left behind.
 */
class LabIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void partitioningHotKeysAndRangesSkewAndARingMovesFewerKeys() throws Exception {
        LabResult result = run("partitioning");
        assertThat(result.measure("hotKeySkew")).as("a hot key skews").isGreaterThan(result.measure("hashSkew") * 2);
        assertThat(result.measure("rangeSkew")).as("ranges follow the data").isGreaterThan(result.measure("pathHashSkew"));
        assertThat(result.measure("julyPartitionsHashed")).as("a hashed range is scattered").isGreaterThan(1);
        assertThat(result.measure("modNMoved")).as("mod-N moves most keys").isGreaterThan(0.5);
        assertThat(result.measure("ringVirtualMoved")).as("a ring moves about 1/N").isLessThan(result.measure("modNMoved") / 2);
        assertThat(result.measure("ringVirtualSkew")).as("virtual nodes even a ring out").isLessThan(result.measure("ringSkew"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replicationOneBrokerDownWritesGoOnTwoDownTheyAreRefusedNoneLost() throws Exception {
        LabResult result = run("replication");
        assertThat(result.measure("refused0")).as("refused with every broker up").isZero();
        assertThat(result.measure("acknowledged1")).as("acknowledged with the leader killed").isPositive();
        assertThat(result.measure("refused2")).as("refused with one replica left").isPositive();
        assertThat(result.measure("refused2")).as("refused with one replica left, more than with two").isGreaterThan(result.measure("refused1"));
        assertThat(result.measure("lost")).as("acknowledged and lost").isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void retriesBackoffSparesTheServerAndABreakerSparesItMore() throws Exception {
        LabResult result = run("retries");
        assertThat(result.measure("immediateWhileDown")).as("requests while down, at once vs backoff")
                .isGreaterThan(result.measure("backoffWhileDown"));
        assertThat(result.measure("backoffWhileDown")).as("requests while down, backoff vs breaker")
                .isGreaterThan(result.measure("breakerWhileDown"));
        assertThat(result.measure("backoffFailed")).as("fetches failed, backoff vs at once").isLessThan(result.measure("immediateFailed"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void exactlyOnceIdempotenceAndTransactionsRemoveTheDuplicatesThatRetriesAndCrashesMake() throws Exception {
        LabResult result = run("exactly-once");
        assertThat(result.measure("retryDuplicatesPlain")).as("a retried send without idempotence").isPositive();
        assertThat(result.measure("retryDuplicatesIdempotent")).as("the same with idempotence").isZero();
        assertThat(result.measure("crashDuplicatesAtLeastOnce")).as("a crash at least once").isPositive();
        assertThat(result.measure("crashDuplicatesExactlyOnce")).as("the same crash in transactions").isZero();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void capDuringAPartitionCpRefusesAndLosesNothingWhileApAcceptsAndLoses() throws Exception {
        Partitions.assumeAvailable("LabIT cap");
        long owner = ProcessHandle.current().pid();
        LabResult result = run("cap");
        assertThat(result.measure("cpLost")).as("CP loses nothing it accepted").isZero();
        assertThat(result.measure("cpRefused")).as("CP refuses during the partition").isPositive();
        assertThat(result.measure("apLost")).as("AP loses writes the cut-off leader accepted").isPositive();
        assertThat(result.measure("apRefused")).as("AP refuses fewer than CP").isLessThan(result.measure("cpRefused"));
        assertThat(IsolatedNetwork.namespacesOf(owner)).as("namespaces left").isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void consistencyLaggingReplicasBreakGuaranteesThatOffsetsStickinessAndSharedKeysKeep() throws Exception {
        LabResult result = run("consistency");
        assertThat(result.measure("staleFromView")).as("stale reads of one's own writes from a lagging view").isPositive();
        assertThat(result.measure("staleByOffset")).as("the same, read up to the acknowledged offset").isZero();
        assertThat(result.measure("backwardsRandom")).as("reads going back, hopping between views").isPositive();
        assertThat(result.measure("backwardsSticky")).as("reads going back, one view").isZero();
        assertThat(result.measure("prefixOwn")).as("answers before questions, keys apart").isPositive();
        assertThat(result.measure("prefixShared")).as("answers before questions, one key").isZero();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void failureDetectionShorterSessionsNoticeSoonerAndSuspectAPausedMember() throws Exception {
        LabResult result = run("failure-detection");
        assertThat(result.measure("noticedMs2000")).as("a kill noticed, 2 s session vs 10 s").isLessThan(result.measure("noticedMs10000"));
        assertThat(result.measure("pauseDropped2000")).as("a 3.5 s pause under a 2 s session").isEqualTo(1);
        assertThat(result.measure("pauseDropped10000")).as("a 3.5 s pause under a 10 s session").isZero();
        assertThat(result.measure("phiMs")).as("phi suspects after a short silence").isPositive().isLessThan(2_000);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void clocksASlowClockSEventsAreDroppedAsLateUnlessAGracePeriodCoversTheSkew() throws Exception {
        LabResult result = run("clocks");
        assertThat(result.measure("skewedCountedNoGrace")).as("skewed events counted without grace").isLessThan(result.measure("events"));
        assertThat(result.measure("skewedCountedGrace")).as("skewed events counted with grace").isEqualTo(result.measure("events"));
        assertThat(result.measure("skewedCountedProcessingTime")).as("skewed events counted by processing time").isEqualTo(result.measure("events"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void littlesLawTimeInTheSystemIsTasksInTheSystemOverTheArrivalRate() throws Exception {
        LabResult result = run("littles-law");
        assertThat(result.measure("lambda")).isPositive();
        assertThat(result.measure("lambda")).as("arrivals under the service rate").isLessThan(result.measure("mu"));
        assertThat(result.measure("predictedW")).as("L / λ against W observed")
                .isBetween(result.measure("W") * 0.5, result.measure("W") * 1.5);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void communicationAQueueDecouplesTheSenderFromItsReceivers() throws Exception {
        LabResult result = run("communication");
        assertThat(result.measure("queueRate")).as("sender rate, queue vs request-response").isGreaterThan(result.measure("syncRate"));
        assertThat(result.measure("syncErrors")).as("sender errors with the receiver down, request-response").isPositive();
        assertThat(result.measure("queueErrors")).as("the same, queue").isZero();
        assertThat(result.measure("queueHandled")).as("handled in the end, queue").isEqualTo(result.measure("expectedPerGroup"));
        assertThat(result.measure("pubSubHandled")).as("handled in the end, 3 groups").isEqualTo(3 * result.measure("expectedPerGroup"));
        assertThat(result.measure("syncHandled")).as("handled in the end, request-response").isLessThan(result.measure("expectedPerGroup"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void leaderlessOverlappingQuorumsReadNothingStaleAndHintsAndRepairHealAReturningReplica() throws Exception {
        LabResult result = run("leaderless");
        assertThat(result.measure("worstQuorumStale")).as("stale reads with R + W > N").isZero();
        assertThat(result.measure("stale_r1w1")).as("stale reads with R = W = 1").isPositive();
        assertThat(result.measure("stale_r1w1")).as("stale reads, R = W = 1 vs R = W = 2").isGreaterThan(result.measure("stale_r2w2"));
        assertThat(result.measure("writesOkOneDownW3")).as("W = 3 writes with a replica down").isZero();
        assertThat(result.measure("staleAfterReturnHinted")).as("hinted handoff").isLessThan(result.measure("staleAfterReturn"));
        assertThat(result.measure("staleAfterReturnRepaired")).as("read repair").isLessThan(result.measure("staleAfterReturn"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void statelessVsStatefulAnAggregatorRestoresStateBeforeItWorksAndAStandbySparesTheTakeover() throws Exception {
        LabResult result = run("stateless-vs-stateful");
        assertThat(result.measure("workerJoinMs")).as("a worker added to a busy group commits a result").isPositive();
        assertThat(result.measure("joinRestoredRecords")).as("records an added aggregator instance restores first").isPositive();
        assertThat(result.measure("failoverRestoredRecords")).as("records restored taking over without a standby").isPositive();
        assertThat(result.measure("standbyFailoverRestoredRecords")).as("records restored taking over with a standby")
                .isLessThan(result.measure("failoverRestoredRecords") / 10);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void scaleATaskThroughTheBrokerCostsMoreThanACallAndOneWorkerCrashLosesNothing() throws Exception {
        LabResult result = run("scale");
        assertThat(result.measure("directMicros")).as("a task alone, called vs through the broker").isLessThan(result.measure("oneProcessMicros"));
        // Warm (after the other experiments) the messaging adds a few hundred microseconds to some 5 ms of
        // analysis, within this machine's noise: the rows must measure the same work, not which is cheaper.
        assertThat(result.measure("oneProcessCpuMs")).as("CPU per image through the broker, against called")
                .isGreaterThan(0.8 * result.measure("directCpuMs"));
        assertThat(result.measure("processesResultsAfterKill")).as("results of the job whose worker was killed")
                .isEqualTo(result.measure("images"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void patternsAHotKeyLoadsOneMemberDiscoveryFindsEveryHolderAndABulkheadKeepsTheFastSourceGoing() throws Exception {
        LabResult result = run("patterns");
        assertThat(result.measure("hotSkew")).as("busiest member over the mean, a hot key vs even keys")
                .isGreaterThan(result.measure("evenSkew") + 0.2);
        assertThat(result.measure("routed")).as("jobs found where the metadata said").isEqualTo(result.measure("jobs"));
        assertThat(result.measure("fastWithinASecondBulkhead")).as("fast requests answered in the first second, bulkhead vs shared")
                .isGreaterThan(result.measure("fastWithinASecondShared"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void multiLeaderLastWriterWinsLosesConcurrentIncrementsAndAMergeDoesNot() throws Exception {
        LabResult result = run("multi-leader");
        assertThat(result.measure("conflicts")).as("writes made from a view that missed the other region's").isPositive();
        assertThat(result.measure("lwwLost")).as("increments lost to last writer wins").isPositive();
        assertThat(result.measure("mergeLost")).as("increments lost to the merge").isZero();
        assertThat(result.measure("agree")).as("both regions resolve to the same counters").isEqualTo(1);
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).as("MirrorMaker's process afterwards").isEmpty();
    }

    private LabResult run(String name) throws Exception {
        Experiment experiment = Lab.find(name).orElseThrow();
        LabResult result = experiment.run(new LabRun(1, dir, System.out::println));
        System.out.print(result.render());
        return result;
    }
}
