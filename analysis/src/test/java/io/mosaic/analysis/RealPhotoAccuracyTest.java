package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Near-duplicate and blur accuracy on real photographs (see {@link RealPhotoAccuracy}): the 16
 * photographs scikit-image ships, fetched with {@code pip download} into {@code target/} at test
 * time, each with eight edits. Skipped, saying why, where pip or the package cannot be had.
 */
class RealPhotoAccuracyTest {

    private static RealPhotoAccuracy.Measured measured;

    @BeforeAll
    static void measure() throws Exception {
        Path cache = Path.of("target", "real-photos");
        Optional<String> missing = RealPhotoAccuracy.fetch(cache);
        assumeTrue(missing.isEmpty(), () -> "real photographs unavailable: " + missing.orElse(""));
        measured = RealPhotoAccuracy.measure(cache);
        measured.print();
    }

    @Test
    void nearDuplicatePairsHavePrecisionOfAtLeast99AndRecallOfAtLeast95Percent() {
        AnalysisAccuracy.Detection pairs = measured.figures().pairs();
        assertThat(pairs.truePositives() + pairs.falseNegatives()).as("labelled pairs: 16 groups of 9").isEqualTo(16 * 36);
        assertThat(pairs.precision()).as(String.join("; ", pairs.mistakes())).isGreaterThanOrEqualTo(0.99);
        assertThat(pairs.recall()).as(String.join("; ", pairs.mistakes())).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void everyEditIsFoundBesideItsOriginalAlmostAlways() {
        for (int e = 0; e < RealPhotoAccuracy.EDITS.size(); e++) {
            assertThat(measured.foundPerEdit()[e]).as(RealPhotoAccuracy.EDITS.get(e).name())
                    .isGreaterThanOrEqualTo(RealPhotoAccuracy.PHOTOS.size() - 1);
        }
    }

    @Test
    void blurDetectionHasPrecisionAndRecallOfAtLeast95Percent() {
        AnalysisAccuracy.Detection blur = measured.figures().blur();
        assertThat(blur.precision()).as(String.join("; ", blur.mistakes())).isGreaterThanOrEqualTo(0.95);
        assertThat(blur.recall()).as(String.join("; ", blur.mistakes())).isGreaterThanOrEqualTo(0.95);
        assertThat(measured.figures().failed()).isEmpty();
    }
}
