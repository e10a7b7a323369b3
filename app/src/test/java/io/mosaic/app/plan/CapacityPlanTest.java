package io.mosaic.app.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CapacityPlanTest {

    private static CapacityPlan plan(long images, Duration deadline) {
        return new CapacityPlan(images, deadline, CapacityPlan.Costs.measured(), CapacityPlan.Machine.typical());
    }

    @Test
    void coresFollowFromTheRateTheCostAndTheUtilisation() {
        // 1,000,000 images in 1,000 s: 1,000 images/s x 17.853 ms = 17.853 busy cores, / 0.7 = 25.5 -> 26.
        CapacityPlan plan = plan(1_000_000, Duration.ofSeconds(1_000));
        assertThat(plan.rate()).isCloseTo(1_000, within(1e-9));
        assertThat(plan.workerSecondsPerImage()).isCloseTo(0.017853, within(1e-9));
        assertThat(plan.workerCores()).isEqualTo(26);
        assertThat(plan.workerMachines()).isEqualTo(4);
        assertThat(plan.partitions()).isEqualTo(26);
    }

    @Test
    void twiceTheTimeHalvesTheCoresAndLittlesLawHolds() {
        CapacityPlan day = plan(1_000_000_000L, Duration.ofHours(24));
        CapacityPlan twoDays = plan(1_000_000_000L, Duration.ofHours(48));
        assertThat(twoDays.workerCores()).isBetween(day.workerCores() / 2, day.workerCores() / 2 + 1);
        assertThat(day.imagesInSystem()).isCloseTo(day.rate() * day.secondsInSystem(), within(1e-6));
        assertThat(day.brokers()).isGreaterThanOrEqualTo(CapacityPlan.REPLICATION_FACTOR);
        // Thousands of analyzer threads need partitions spread over more brokers than three.
        CapacityPlan hour = plan(1_000_000_000L, Duration.ofHours(1));
        assertThat(hour.partitions() * 2 * CapacityPlan.REPLICATION_FACTOR / hour.brokers()).isLessThanOrEqualTo(CapacityPlan.PARTITIONS_PER_BROKER);
        assertThat(hour.brokers()).isGreaterThan(day.brokers());
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(CapacityPlan.parseDuration("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(CapacityPlan.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(CapacityPlan.parseDuration("1.5d")).isEqualTo(Duration.ofHours(36));
        assertThat(CapacityPlan.parseDuration("PT6H")).isEqualTo(Duration.ofHours(6));
        assertThatThrownBy(() -> CapacityPlan.parseDuration("soon")).hasMessageContaining("24h");
    }
}
