package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
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
            for (FaultKind kind : FaultKind.values()) {
                // No kind more than once per round of six, plus once among the rest.
                assertThat(plan.count(kind)).isBetween((long) faults / FaultKind.values().length,
                        (long) faults / FaultKind.values().length + 1);
            }
        }
    }

    @Test
    void tenFaultsInjectEveryKind() {
        assertThat(FaultPlan.of(7, 10).faults().stream().map(FaultPlan.Fault::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(FaultKind.class))))
                .containsExactlyInAnyOrder(FaultKind.values());
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
