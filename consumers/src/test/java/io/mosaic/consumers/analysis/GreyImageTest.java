package io.mosaic.consumers.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GreyImageTest {

    static Stream<Arguments> resampledRows() {
        return Stream.of(
                // source row, target width, expected row
                Arguments.of(new float[] {0, 30, 60}, 2, new float[] {10, 50}),      // 1.5 source pixels each
                Arguments.of(new float[] {0, 10, 20, 30}, 2, new float[] {5, 25}),
                Arguments.of(new float[] {0, 10, 20, 30, 40}, 1, new float[] {20}),
                Arguments.of(new float[] {10, 20}, 4, new float[] {10, 10, 20, 20}), // enlarging repeats
                Arguments.of(new float[] {7, 8, 9}, 3, new float[] {7, 8, 9}));
    }

    @ParameterizedTest
    @MethodSource("resampledRows")
    void areaAveragingWeighsEachSourcePixelByTheAreaItCovers(float[] row, int width, float[] expected) {
        GreyImage scaled = new GreyImage(row.length, 1, row).scaledTo(width, 1);

        assertThat(scaled.luma).containsExactly(expected, within(1e-4f));
    }

    @Test
    void bothAxesAreAveraged() {
        GreyImage image = new GreyImage(4, 4, new float[] {
                0, 0, 100, 100,
                0, 0, 100, 100,
                40, 40, 8, 8,
                40, 40, 8, 16});

        assertThat(image.scaledTo(2, 2).luma).containsExactly(new float[] {0, 100, 40, 10}, within(1e-4f));
    }

    @Test
    void fitWithinShrinksTheLongerSideAndNeverEnlarges() {
        GreyImage wide = new GreyImage(1000, 500, new float[1000 * 500]);
        GreyImage small = new GreyImage(300, 200, new float[300 * 200]);

        GreyImage fitted = wide.fitWithin(512);

        assertThat(fitted.width).isEqualTo(512);
        assertThat(fitted.height).isEqualTo(256);
        assertThat(small.fitWithin(512)).isSameAs(small);
    }

    @Test
    void lumaUsesRec601Weights() {
        BufferedImage image = TestImages.solid(3, 2, new Color(10, 20, 30));

        GreyImage grey = GreyImage.of(image);

        assertThat(grey.mean()).isCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, within(1e-4));
    }

    @Test
    void laplacianVarianceOfASinglePeak() {
        // Responses: -36 at the peak, +9 at its four neighbours, 0 at the corners; mean 0.
        GreyImage peak = new GreyImage(3, 3, new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0});

        assertThat(Sharpness.laplacianVariance(peak)).isCloseTo((36.0 * 36 + 4 * 81) / 9, within(1e-9));
    }

    @Test
    void aFlatImageHasNoSharpnessAndAnEdgeHasSome() {
        // The edge gives +200 on its dark side and -200 on its bright side, 16 rows each, 0 elsewhere:
        // variance 32 * 200^2 / 256.
        float[] flat = new float[16 * 16];
        Arrays.fill(flat, 200);
        float[] edge = flat.clone();
        for (int y = 0; y < 16; y++) {
            Arrays.fill(edge, y * 16, y * 16 + 8, 0);
        }

        assertThat(Sharpness.laplacianVariance(new GreyImage(16, 16, flat))).isZero();
        assertThat(Sharpness.laplacianVariance(new GreyImage(16, 16, edge))).isCloseTo(5000.0, within(1e-6));
    }
}
