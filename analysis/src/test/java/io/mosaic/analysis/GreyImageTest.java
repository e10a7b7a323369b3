package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
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

    static Stream<Arguments> orientations() {
        // The stored plane is 3 x 2:  a b c / d e f. Each row gives the plane as shown.
        return Stream.of(
                Arguments.of(1, 3, new float[] {1, 2, 3, 4, 5, 6}),
                Arguments.of(2, 3, new float[] {3, 2, 1, 6, 5, 4}),   // mirrored left to right
                Arguments.of(3, 3, new float[] {6, 5, 4, 3, 2, 1}),   // half a turn
                Arguments.of(4, 3, new float[] {4, 5, 6, 1, 2, 3}),   // mirrored top to bottom
                Arguments.of(5, 2, new float[] {1, 4, 2, 5, 3, 6}),   // across the main diagonal
                Arguments.of(6, 2, new float[] {4, 1, 5, 2, 6, 3}),   // a quarter turn clockwise
                Arguments.of(7, 2, new float[] {6, 3, 5, 2, 4, 1}),   // across the other diagonal
                Arguments.of(8, 2, new float[] {3, 6, 2, 5, 1, 4}),   // a quarter turn anticlockwise
                Arguments.of(0, 3, new float[] {1, 2, 3, 4, 5, 6}),   // not an orientation: as stored
                Arguments.of(9, 3, new float[] {1, 2, 3, 4, 5, 6}));
    }

    @ParameterizedTest(name = "orientation {0}")
    @MethodSource("orientations")
    void orientationTurnsOrMirrorsThePlaneAsExifDefinesIt(int orientation, int shownWidth, float[] shown) {
        GreyImage stored = new GreyImage(3, 2, new float[] {1, 2, 3, 4, 5, 6});

        GreyImage oriented = stored.oriented(orientation);

        assertThat(oriented.width).isEqualTo(shownWidth);
        assertThat(oriented.height).isEqualTo(6 / shownWidth);
        assertThat(oriented.luma).containsExactly(shown);
    }
}
