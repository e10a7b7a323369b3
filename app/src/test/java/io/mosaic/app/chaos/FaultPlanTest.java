package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultPlanTest {

    @Test
    void theSameSeedGivesTheSamePlan() {
        assertThat(FaultPlan.of(42, 10)).isEqualTo(FaultPlan.of(42, 10));
        assertThat(FaultPlan.of(42, 10).faults()).isNotEqualTo(FaultPlan.of(43, 10).faults());
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "3, 3", "6, 6", "10, 6", "13, 6"})
    void kindsAreSpreadEvenly(int faults, int distinctKinds) {
        for (long seed = 1; seed <= 50; seed++) {
            FaultPlan plan = FaultPlan.of(seed, faults);

            assertThat(plan.size()).isEqualTo(faults);
            assertThat(plan.faults().stream().map(FaultPlan.Fault::kind).collect(Collectors.toSet())).hasSize(distinctKinds);
            for (FaultKind kind : FaultKind.PROCESS_FAULTS) {
                // No kind more than once per round of six, plus once among the rest.
                assertThat(plan.count(kind)).isBetween((long) faults / FaultKind.PROCESS_FAULTS.size(),
                        (long) faults / FaultKind.PROCESS_FAULTS.size() + 1);
            }
        }
    }

    @Test
    void tenFaultsInjectEveryProcessKind() {
        assertThat(FaultPlan.of(7, 10).faults().stream().map(FaultPlan.Fault::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(FaultKind.class))))
                .containsExactlyInAnyOrderElementsOf(FaultKind.PROCESS_FAULTS);
    }

    @Test
    void asManyFaultsAsKindsInjectEachKindOnceAndOnlyTheKindsAllowed() {
        Set<FaultKind> all = EnumSet.allOf(FaultKind.class);
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(FaultPlan.of(seed, all.size(), all).faults().stream().map(FaultPlan.Fault::kind).toList())
                    .containsExactlyInAnyOrderElementsOf(all);
        }
        Set<FaultKind> network = EnumSet.of(FaultKind.ISOLATE_BROKER, FaultKind.PARTITION_LEADER);
        assertThat(FaultPlan.of(5, 7, network).faults()).extracting(FaultPlan.Fault::kind).containsOnly(FaultKind.ISOLATE_BROKER, FaultKind.PARTITION_LEADER);
        assertThatThrownBy(() -> FaultPlan.of(5, 1, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProcessKindsDrawTheSamePlanAsBeforeNetworkKindsExisted() {
        // The first six kinds keep their order, so a seed's plan of process faults is what it always was.
        assertThat(FaultPlan.of(120, 3).toString()).isEqualTo(FaultPlan.of(120, 3, FaultKind.PROCESS_FAULTS).toString());
        assertThat(FaultKind.ordered(FaultKind.PROCESS_FAULTS)).containsExactly(FaultKind.KILL_WORKER, FaultKind.KILL_AGGREGATOR,
                FaultKind.PAUSE_WORKER, FaultKind.KILL_BROKER, FaultKind.RESUBMIT, FaultKind.RESTART_WORKER);
    }

    @Test
    void faultsFireInOrderWhileTheTasksArePublished() {
        FaultPlan plan = FaultPlan.of(3, 20);

        assertThat(plan.faults()).extracting(FaultPlan.Fault::at)
                .allSatisfy(p -> assertThat(p).isBetween(FaultPlan.EARLIEST, FaultPlan.LATEST))
                .isSorted();
        assertThat(plan.faults()).extracting(FaultPlan.Fault::number).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    }

    @Test
    void aVictimIsAlwaysOneOfTheCandidates() {
        for (FaultPlan.Fault fault : FaultPlan.of(11, 100).faults()) {
            assertThat(fault.choose(3)).isBetween(0, 2);
            assertThat(fault.choose(1)).isZero();
            assertThat(fault.pause()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThatThrownBy(() -> FaultPlan.of(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
