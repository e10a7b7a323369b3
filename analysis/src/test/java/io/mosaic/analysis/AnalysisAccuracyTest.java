package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blur and near-duplicate detection measured against labels, with the default thresholds, on 215 generated
 * images (see {@link LabelledImages}). {@link AnalysisAccuracy#main} measures larger sets the same way.
 */
class AnalysisAccuracyTest {

    private static List<LabelledImages.Image> set;
    private static AnalysisAccuracy.Figures figures;

    @BeforeAll
    static void measure() {
        set = LabelledImages.generate(LabelledImages.Sizes.small(), 1);
        figures = AnalysisAccuracy.measure(set);
        System.out.println(figures.describe());
    }

    @Test
    void theSetIsLargeAndVaried() {
        assertThat(set).hasSizeGreaterThanOrEqualTo(200);
        assertThat(set.stream().map(LabelledImages.Image::format).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("jpeg", "png", "gif", "bmp", "tiff", "webp");
        assertThat(set.stream().filter(LabelledImages.Image::blurry).count()).isGreaterThanOrEqualTo(40);
        assertThat(set.stream().filter(image -> image.name().startsWith("shapes") && !image.blurry()).count())
                .as("sharp pictures with little texture").isGreaterThanOrEqualTo(40);
        assertThat(figures.pairs().truePositives() + figures.pairs().falseNegatives())
                .as("labelled near-duplicate pairs").isGreaterThanOrEqualTo(150);
        assertThat(figures.failed()).isEmpty();
    }

    @Test
    void blurDetectionHasPrecisionAndRecallOfAtLeast95Percent() {
        assertThat(figures.blur().precision()).as(mistakes(figures.blur())).isGreaterThanOrEqualTo(0.95);
        assertThat(figures.blur().recall()).as(mistakes(figures.blur())).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void nearDuplicatePairsHaveRecallOfAtLeast95AndPrecisionOfAtLeast99Percent() {
        assertThat(figures.pairs().recall()).as(mistakes(figures.pairs())).isGreaterThanOrEqualTo(0.95);
        assertThat(figures.pairs().precision()).as(mistakes(figures.pairs())).isGreaterThanOrEqualTo(0.99);
    }

    /**
     * The default threshold lies between the scores of the two kinds rather than at the edge of one: every
     * blurry image scores below it and every sharp one above it, each by a margin.
     */
    @Test
    void theBlurThresholdSitsInTheGapBetweenBlurryAndSharpImages() {
        double threshold = AnalysisLimits.DEFAULT_BLUR_THRESHOLD;

        assertThat(figures.highestBlurry().value()).as(figures.highestBlurry().toString())
                .isLessThan(threshold / 1.1);
        assertThat(figures.lowestSharp().value()).as(figures.lowestSharp().toString())
                .isGreaterThan(threshold * 1.1);
    }

    private static String mistakes(AnalysisAccuracy.Detection detection) {
        return detection + ": " + String.join("; ", detection.mistakes());
    }
}
