package io.mosaic.dashboard.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.PartitionLag;
import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LagEvaluatorTest {

    private static final int WINDOW = 5;
    private static final TopicPartition TASKS_0 = new TopicPartition("tasks", 0);
    private static final TopicPartition TASKS_1 = new TopicPartition("tasks", 1);
    private static final TopicPartition RESULTS_0 = new TopicPartition("results", 0);
    private static final Owner WORKER = new Owner("worker-1-abc", "worker-1", "/127.0.0.1");

    private final LagEvaluator evaluator = new LagEvaluator(WINDOW, 1_000);

    @Test
    void sumsLagPerTopicAndGroupAndLeavesUncommittedPartitionsOut() {
        TopicPartition never = new TopicPartition("tasks", 2);
        TopicPartition empty = new TopicPartition("tasks", 3);
        OffsetSnapshot snapshot = new OffsetSnapshot(1_000,
                Map.of(TASKS_0, 100L, TASKS_1, 50L, RESULTS_0, 70L, never, 30L, empty, 12L),
                Map.of(TASKS_0, 0L, TASKS_1, 0L, RESULTS_0, 0L, never, 0L, empty, 12L),
                List.of(new GroupOffsets("g", "Stable", false, Map.of(TASKS_0, 90L, TASKS_1, 50L, RESULTS_0, 40L),
                        Map.of(TASKS_0, WORKER, TASKS_1, WORKER, RESULTS_0, WORKER, never, WORKER, empty, WORKER), 1, null)));

        GroupLag g = evaluator.evaluate(snapshot, TransactionMarkers.NONE).groups().get(0);

        assertThat(g.lag()).isEqualTo(10 + 0 + 30);
        assertThat(g.maxLag()).isEqualTo(30);
        assertThat(g.topicLag()).isEqualTo(Map.of("results", 30L, "tasks", 10L));
        assertThat(g.partitions()).extracting(PartitionLag::partition).containsExactly(RESULTS_0, TASKS_0, TASKS_1, never, empty);
        PartitionLag uncommitted = g.partitions().get(3);
        assertThat(uncommitted.committed()).isEqualTo(-1);
        assertThat(uncommitted.lag()).as("where the consumer will start is unknown").isEqualTo(-1);
        assertThat(uncommitted.lagSeconds()).isNaN();
        PartitionLag nothingToRead = g.partitions().get(4);
        assertThat(nothingToRead.committed()).isEqualTo(-1);
        assertThat(nothingToRead.lag()).as("an empty log has nothing to read from anywhere").isZero();
        assertThat(nothingToRead.lagSeconds()).isZero();
    }

    @Test
    void aStoppedGroupTurnsStopAndFallsBehindSecondBySecond() {
        // 10 records a second arrive; the group stopped at offset 100 and has no member left.
        GroupLag last = null;
        double previousSeconds = Double.NaN;
        for (int round = 0; round < 8; round++) {
            long now = 10_000 + round * 1_000L;
            long logEnd = 100 + round * 10L;
            last = evaluator.evaluate(snapshot(now, Map.of(TASKS_0, logEnd), Map.of(TASKS_0, 100L), Map.of()),
                    TransactionMarkers.NONE).groups().get(0);
            if (round >= 2) {
                // 100 was produced at 10 s: a second more behind each round.
                assertThat(last.maxLagSeconds()).isCloseTo(previousSeconds + 1, within(1e-6));
            }
            previousSeconds = last.maxLagSeconds();
            // Round 0 saw no lag; once it leaves the window, nothing has moved for a whole window.
            assertThat(last.status()).as("round %d", round).isEqualTo(round < WINDOW ? Status.OK : Status.STOP);
        }
        assertThat(last.lag()).isEqualTo(70);
        assertThat(last.maxLagSeconds()).isCloseTo(7.0, within(1e-6));
        assertThat(last.consumeRate()).isZero();
        assertThat(last.produceRate()).isCloseTo(10.0, within(1e-9));
        assertThat(last.drainSeconds()).isInfinite();
        assertThat(last.statusSinceMs()).isEqualTo(10_000 + WINDOW * 1_000L);
    }

    @Test
    void aSteadyQueueSatisfiesLittlesLaw() {
        // Arrivals 20/s, the group always 40 records (2 s) behind: L = 40, lambda = 20, W = 2.
        GroupLag g = null;
        for (int round = 0; round < 10; round++) {
            long now = 5_000 + round * 1_000L;
            long logEnd = 1_000 + round * 20L;
            g = evaluator.evaluate(snapshot(now, Map.of(TASKS_0, logEnd), Map.of(TASKS_0, logEnd - 40), Map.of(TASKS_0, WORKER)),
                    TransactionMarkers.NONE).groups().get(0);
        }
        assertThat(g.consumeRate()).isCloseTo(20.0, within(1e-9));
        assertThat(g.produceRate()).isCloseTo(20.0, within(1e-9));
        assertThat(g.maxLagSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(g.drainSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(g.catchUpSeconds()).isInfinite();
        assertThat(g.little().meanLag()).isCloseTo(40.0, within(1e-9));
        assertThat(g.little().arrivalRate()).isCloseTo(20.0, within(1e-9));
        assertThat(g.little().meanWaitSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(g.little().ratio()).isCloseTo(1.0, within(1e-9));
        // Burrow: progress, but the backlog never shrinks.
        assertThat(g.status()).isEqualTo(Status.WARN);
    }

    @Test
    void aLagOfOnlyTransactionMarkersIsNoLag() {
        TransactionMarkers markerAt99 = (tp, from, to) -> tp.equals(TASKS_0) && from == 99 && to == 100;
        GroupLag g = null;
        for (int round = 0; round < WINDOW + 2; round++) {
            g = evaluator.evaluate(snapshot(1_000 + round * 1_000L, Map.of(TASKS_0, 100L, TASKS_1, 100L),
                    Map.of(TASKS_0, 99L, TASKS_1, 99L), Map.of(TASKS_0, WORKER, TASKS_1, WORKER)), markerAt99).groups().get(0);
        }
        PartitionLag marker = g.partitions().get(0);
        PartitionLag real = g.partitions().get(1);
        assertThat(marker.lag()).isZero();
        assertThat(marker.markers()).isEqualTo(1);
        assertThat(marker.lagSeconds()).isZero();
        assertThat(marker.status()).isEqualTo(Status.OK);
        assertThat(real.lag()).isEqualTo(1);
        assertThat(real.markers()).isZero();
        assertThat(real.status()).isEqualTo(Status.STALL);
        assertThat(g.status()).isEqualTo(Status.STALL);
        assertThat(g.lag()).isEqualTo(1);
    }

    @Test
    void keepsHistoryPerGroupAndForgetsGroupsThatAreGone() {
        for (int round = 0; round < 3; round++) {
            evaluator.evaluate(snapshot(1_000 + round * 1_000L, Map.of(TASKS_0, 10L + round), Map.of(TASKS_0, 10L), Map.of()),
                    TransactionMarkers.NONE);
        }
        History.Series history = evaluator.groupHistory("g", Long.MIN_VALUE).orElseThrow();
        assertThat(history.times()).containsExactly(1_000, 2_000, 3_000);
        assertThat(history.column(History.Column.LAG)).containsExactly(0, 1, 2);
        assertThat(evaluator.groupHistory("g", 2_000).orElseThrow().times()).containsExactly(3_000);
        assertThat(evaluator.partitionHistory("g").get(TASKS_0).column(History.Column.LAG)).containsExactly(0, 1, 2);

        LagReport without = evaluator.evaluate(new OffsetSnapshot(4_000, Map.of(), Map.of(), List.of()), TransactionMarkers.NONE);

        assertThat(without.groups()).isEmpty();
        assertThat(evaluator.groupHistory("g", Long.MIN_VALUE)).isEmpty();
    }

    @Test
    void aGroupThatCannotBeReadIsErrWithoutLosingItsWindow() {
        evaluator.evaluate(snapshot(1_000, Map.of(TASKS_0, 10L), Map.of(TASKS_0, 5L), Map.of()), TransactionMarkers.NONE);
        LagReport failed = evaluator.evaluate(new OffsetSnapshot(2_000, Map.of(TASKS_0, 10L), Map.of(),
                List.of(GroupOffsets.failed("g", "coordinator not available"))), TransactionMarkers.NONE);

        assertThat(failed.groups().get(0).status()).isEqualTo(Status.ERR);
        assertThat(failed.groups().get(0).error()).isEqualTo("coordinator not available");

        GroupLag back = evaluator.evaluate(snapshot(3_000, Map.of(TASKS_0, 10L), Map.of(TASKS_0, 8L), Map.of()),
                TransactionMarkers.NONE).groups().get(0);
        // The first round's sample is still there: 3 records consumed in 2 seconds.
        assertThat(back.consumeRate()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void aPartitionWaitingWhileItsOwnerDrainsAnotherIsNotStalledButAPausedOwnerIs() {
        // One worker owns both partitions of a big job and works through partition 0 first:
        // partition 1 stands still for longer than the window while the group's lag falls.
        Owner other = new Owner("worker-2-def", "worker-2", "/127.0.0.1");
        for (int round = 0; round < 3 * WINDOW; round++) {
            long now = 10_000 + round * 1_000L;
            GroupLag busy = evaluator.evaluate(snapshot(now, Map.of(TASKS_0, 1_000L, TASKS_1, 1_000L),
                    Map.of(TASKS_0, 50L * round, TASKS_1, 0L), Map.of(TASKS_0, WORKER, TASKS_1, WORKER)),
                    TransactionMarkers.NONE).groups().get(0);
            assertThat(busy.status()).as("busy round %d", round).isEqualTo(Status.OK);
        }

        // The same standstill on a partition whose owner commits nothing anywhere (paused): STALL,
        // even while another member drains its own partition and the group's lag falls.
        LagEvaluator fresh = new LagEvaluator(WINDOW, 1_000);
        GroupLag last = null;
        for (int round = 0; round < 2 * WINDOW; round++) {
            long now = 10_000 + round * 1_000L;
            last = fresh.evaluate(snapshot(now, Map.of(TASKS_0, 1_000L, TASKS_1, 1_000L),
                    Map.of(TASKS_0, 50L * round, TASKS_1, 0L), Map.of(TASKS_0, other, TASKS_1, WORKER)),
                    TransactionMarkers.NONE).groups().get(0);
        }
        assertThat(last.status()).isEqualTo(Status.STALL);
        assertThat(last.partitions()).filteredOn(p -> p.partition().equals(TASKS_1)).extracting(PartitionLag::status)
                .containsExactly(Status.STALL);
    }

    private static OffsetSnapshot snapshot(long now, Map<TopicPartition, Long> latest, Map<TopicPartition, Long> committed,
                                           Map<TopicPartition, Owner> owners) {
        Map<TopicPartition, Long> earliest = new HashMap<>();
        latest.keySet().forEach(tp -> earliest.put(tp, 0L));
        return new OffsetSnapshot(now, latest, earliest,
                List.of(new GroupOffsets("g", owners.isEmpty() ? "Empty" : "Stable", false, committed, owners,
                        owners.isEmpty() ? 0 : 1, null)));
    }
}
