package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The focus measure on edges drawn from their formula: a step, blurred by a Gaussian of known width. */
class SharpnessTest {

    @Test
    void aFlatImageOrGentleShadingHasNoEdgeAndScoresZero() {
        float[] flat = new float[64 * 64];
        Arrays.fill(flat, 120);
        float[] ramp = new float[64 * 64];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = 100 + 0.3f * (i % 64);   // 0.3 levels per pixel, like a sky
        }

        assertThat(Sharpness.of(new GreyImage(64, 64, flat))).isZero();
        assertThat(Sharpness.of(new GreyImage(64, 64, ramp))).isZero();
    }

    /**
     * For a straight edge blurred by sigma {@code b}, compared with a copy smoothed by sigma 3, the ratio is
     * {@code √2 (b² + 9) / (b √(2b² + 9))}; pixels sample the edge, which matters little from 1.5 px on.
     */
    @ParameterizedTest(name = "blur {0} px")
    @ValueSource(doubles = {1.5, 2, 3, 4})
    void aBlurredEdgeScoresWhatTheModelPredicts(double blur) {
        double predicted = Math.sqrt(2) * (blur * blur + 9) / (blur * Math.sqrt(2 * blur * blur + 9));

        assertThat(Sharpness.of(edges(128, 64, blur, 200, 1, 0))).isCloseTo(predicted, within(predicted * 0.1));
    }

    @Test
    void theScoreFallsAsTheBlurGrows() {
        double[] blurs = {0, 0.5, 1, 1.5, 2, 3, 4};
        double[] scores = Arrays.stream(blurs).map(blur -> Sharpness.of(edges(128, 64, blur, 200, 1, 0))).toArray();

        assertThat(scores[0]).isBetween(6.0, 8.0);  // a perfect step
        for (int i = 1; i < scores.length; i++) {
            assertThat(scores[i]).as("blur %s px", blurs[i]).isLessThan(scores[i - 1] * 0.9);
        }
    }

    /**
     * The variance of the Laplacian of one crisp edge of 40 levels is 25 times lower than of an edge of 200,
     * and an image with five edges scores five times one with one: this measure scores all of them alike.
     */
    @ParameterizedTest(name = "blur {0} px")
    @ValueSource(doubles = {0, 1, 2})
    void neitherContrastNorTheNumberOfEdgesChangesTheScore(double blur) {
        double one = Sharpness.of(edges(128, 64, blur, 200, 1, 0));

        assertThat(Sharpness.of(edges(128, 64, blur, 40, 1, 0))).isCloseTo(one, within(one * 0.01));
        assertThat(Sharpness.of(edges(256, 64, blur, 100, 5, 0))).isCloseTo(one, within(one * 0.03));
    }

    @ParameterizedTest(name = "blur {0} px, noise {1} levels")
    @CsvSource({"2, 2", "2, 4", "3, 3", "0, 3"})
    void sensorNoiseDoesNotMakeABlurredEdgeLookSharp(double blur, double noise) {
        double clean = Sharpness.of(edges(128, 64, blur, 120, 1, 0));

        // Noise of 4 levels is 3% of the edge's height: it moves the score by a few percent, never by the
        // factor between a blurred and a crisp edge.
        assertThat(Sharpness.of(edges(128, 64, blur, 120, 1, noise))).isCloseTo(clean, within(clean * 0.1));
    }

    /**
     * {@code count} vertical edges across a {@code width} x {@code height} plane, alternately rising and
     * falling by {@code contrast} levels, each the integral of a Gaussian of sigma {@code blur} (a step when
     * 0), centred between pixels, plus Gaussian noise of {@code noise} levels.
     */
    static GreyImage edges(int width, int height, double blur, double contrast, int count, double noise) {
        Random random = new Random(7);
        float[] luma = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double value = 40;
                for (int k = 0; k < count; k++) {
                    double distance = x - ((k + 0.5) * width / count + 0.5);
                    double step = blur == 0 ? (distance > 0 ? 1 : 0) : 0.5 * (1 + erf(distance / (blur * Math.sqrt(2))));
                    value += (k % 2 == 0 ? step : -step) * contrast;
                }
                luma[y * width + x] = (float) (value + noise * random.nextGaussian());
            }
        }
        return new GreyImage(width, height, luma);
    }

    /** The error function, Abramowitz and Stegun 7.1.26 (error below 1.5e-7). */
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
