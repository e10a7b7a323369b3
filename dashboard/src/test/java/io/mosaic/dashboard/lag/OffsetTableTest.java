package io.mosaic.dashboard.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffsetTableTest {

    /** Log end 100 at 0 s, 200 at 10 s, 300 at 20 s: 10 records a second. */
    private static OffsetTable steady() {
        OffsetTable table = new OffsetTable(60);
        table.add(100, 0);
        table.add(200, 10_000);
        table.add(300, 20_000);
        return table;
    }

    @ParameterizedTest(name = "committed {0} seen at {1} ms is {2} s behind")
    @CsvSource({
            // between two samples: offset 150 was written at 5 s
            "150, 20000, 15.0",
            "250, 20000, 5.0",
            // on a sample: offset 200 is the first one written after 10 s
            "200, 30000, 20.0",
            // caught up or ahead: nothing to read, whatever the time
            "300, 20000, 0.0",
            "300, 999000, 0.0",
            "301, 20000, 0.0",
            // below the table: the table's trend extrapolated back, offset 50 at -5 s
            "50, 20000, 25.0",
    })
    void interpolatesBetweenSamplesAndExtrapolatesBelowThem(long committed, long now, double expected) {
        assertThat(steady().lagSeconds(committed, now)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void aStoppedConsumerFallsBehindAsWallTimeGoesOn() {
        OffsetTable table = steady();
        double before = table.lagSeconds(150, 20_000);
        table.add(400, 30_000);
        double after = table.lagSeconds(150, 30_000);

        assertThat(after - before).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void anIdlePartitionThatIsCaughtUpHasNoLagInTime() {
        OffsetTable table = new OffsetTable(60);
        for (long t = 0; t <= 3_600_000; t += 5_000) {
            table.add(42, t);
        }
        assertThat(table.lagSeconds(42, 3_600_000)).isZero();
    }

    @Test
    void aFlatLineIsKeptAsItsFirstAndLastSampleSoOlderHistorySurvives() {
        OffsetTable table = new OffsetTable(4);
        table.add(0, 0);
        table.add(100, 1_000);
        for (long t = 2_000; t <= 100_000; t += 1_000) {
            table.add(100, t);
        }
        table.add(200, 101_000);

        assertThat(table.size()).isEqualTo(4);
        // 50 was written at 0.5 s: the sample at 0 s is still in the table.
        assertThat(table.lagSeconds(50, 101_000)).isCloseTo(100.5, within(1e-9));
        // 150 was written between the end of the idle spell (100 s) and 101 s.
        assertThat(table.lagSeconds(150, 101_000)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void tooFewSamplesIsUnknownNotZero() {
        OffsetTable table = new OffsetTable(60);
        assertThat(table.lagSeconds(0, 1_000)).isNaN();
        table.add(10, 1_000);
        assertThat(table.lagSeconds(5, 2_000)).isNaN();
        assertThat(table.lagSeconds(10, 2_000)).isZero();
    }

    @Test
    void withoutATrendAnOldOffsetIsAsOldAsTheFirstSample() {
        OffsetTable table = new OffsetTable(60);
        table.add(10, 1_000);
        table.add(10, 5_000);

        assertThat(table.lagSeconds(3, 9_000)).isCloseTo(8.0, within(1e-9));
    }

    @Test
    void keepsOnlyTheNewestSamplesAndIgnoresOutOfOrderOnes() {
        OffsetTable table = new OffsetTable(3);
        table.add(0, 0);
        table.add(10, 1_000);
        table.add(20, 2_000);
        table.add(30, 3_000);
        table.add(35, 2_500);

        assertThat(table.size()).isEqualTo(3);
        assertThat(table.latestOffset()).isEqualTo(30);
        // 15 lies between the samples still held (10 at 1 s, 20 at 2 s).
        assertThat(table.lagSeconds(15, 3_000)).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void aLogThatGoesBackwardsStartsAFreshTable() {
        OffsetTable table = steady();
        table.add(5, 30_000);

        assertThat(table.size()).isEqualTo(1);
        assertThat(table.latestOffset()).isEqualTo(5);
        assertThat(table.lagSeconds(0, 31_000)).isNaN();
    }
}
