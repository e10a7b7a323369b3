package io.mosaic.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.app.bench.BenchLine.Target;
import org.junit.jupiter.api.Test;

class BenchLineTest {

    @Test
    void theRatioIsOfMediansSoOneOddRoundDoesNotMoveIt() {
        BenchLine line = new BenchLine("x", "images/s", new double[] {90, 10, 100}, new double[] {100, 100, 1000}, Target.ratioAtLeast(0.9));
        assertThat(line.mosaicMedian()).isEqualTo(90);
        assertThat(line.baselineMedian()).contains(100.0);
        assertThat(line.ratio()).contains(0.9);
        assertThat(line.met()).contains(true);
    }

    @Test
    void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
        assertThat(BenchLine.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void percentilesByNearestRank() {
        double[] values = new double[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i;
        }
        assertThat(BenchLine.percentile(values, 50)).isEqualTo(50);
        assertThat(BenchLine.percentile(values, 99)).isEqualTo(99);
        assertThat(BenchLine.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void targetsSayWhetherTheyAreMet() {
        assertThat(BenchLine.alone("small job", "ms", new double[] {250, 400, 280}, Target.atMost(300)).met()).contains(true);
        assertThat(BenchLine.alone("cold start", "s", new double[] {9}, Target.atMost(8)).met()).contains(false);
        assertThat(new BenchLine("ratio", "x", new double[] {80}, new double[] {100}, Target.ratioAtLeast(0.9)).met()).contains(false);
        assertThat(BenchLine.alone("scaling", "x", new double[] {1}, Target.report()).met()).isEmpty();
        assertThat(new BenchLine("at most", "ms", new double[] {500}, new double[] {300}, Target.ratioAtMost(2)).met()).contains(true);
        assertThat(new BenchLine("at most", "ms", new double[] {700}, new double[] {300}, Target.ratioAtMost(2)).met()).contains(false);
        assertThat(Target.ratioAtMost(2).describe("ms")).isEqualTo("<= 2.00x");
        assertThat(BenchLine.alone("no baseline", "x", new double[] {1}, Target.ratioAtLeast(0.9)).met()).isEmpty();
    }

    @Test
    void aLineNeedsARound() {
        assertThatThrownBy(() -> BenchLine.alone("empty", "ms", new double[0], Target.report()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void partsAreNamedAsOnTheCommandLine() {
        assertThat(BenchPart.named("cold-start")).contains(BenchPart.COLD_START);
        assertThat(BenchPart.named(" Submit ")).contains(BenchPart.SUBMIT);
        assertThat(BenchPart.named("speed")).isEmpty();
        assertThat(BenchPart.names()).isEqualTo("submit, analysis, latency, aggregator, fairness, scaling, lag, cold-start, scale");
        assertThat(BenchPart.standard()).as("the scale line runs only when asked for").doesNotContain(BenchPart.SCALE)
                .contains(BenchPart.COLD_START);
    }
}
