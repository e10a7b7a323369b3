package io.mosaic.analysis;

import static io.mosaic.analysis.PerceptualHash.NEAR_DUPLICATE_DISTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PerceptualHashTest {

    private static final Map<Long, BufferedImage> SCENES = new ConcurrentHashMap<>();

    @ParameterizedTest
    @CsvSource({
            "0, 0, 0",
            "0, -1, 64",
            "0b1011, 0b0010, 2",
            "0x8000000000000000, 0, 1",
            "0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 64",
            "0x0f0f0f0f0f0f0f0f, 0x0f0f0f0f0f0f0f0e, 1",
    })
    void distanceCountsDifferingBits(String a, String b, int expected) {
        long first = parse(a);
        long second = parse(b);

        assertThat(PerceptualHash.distance(first, second)).isEqualTo(expected);
        assertThat(PerceptualHash.distance(second, first)).isEqualTo(expected);
    }

    static Stream<Arguments> nearDuplicates() {
        Map<String, UnaryOperator<BufferedImage>> copies = Map.of(
                "resized to 50%", image -> TestImages.resize(image, 320, 240),
                "resized to 25%", image -> TestImages.resize(image, 160, 120),
                "resized to 150%", image -> TestImages.resize(image, 960, 720),
                "recompressed as JPEG quality 0.5", image -> TestImages.recompressJpeg(image, 0.5f),
                "recompressed as JPEG quality 0.2", image -> TestImages.recompressJpeg(image, 0.2f),
                "brightened by 15 levels", image -> TestImages.adjust(image, 1f, 15f),
                "darkened by 15 levels", image -> TestImages.adjust(image, 1f, -15f),
                "contrast raised 15%", image -> TestImages.adjust(image, 1.15f, -10f),
                "slightly blurred", image -> TestImages.blur(image, 1.2),
                "resized, recompressed and brightened", image -> TestImages.adjust(
                        TestImages.recompressJpeg(TestImages.resize(image, 448, 336), 0.7f), 1f, 10f));
        List<Arguments> cases = new ArrayList<>();
        for (long seed : new long[] {41, 42, 43}) {
            copies.forEach((name, copy) -> cases.add(Arguments.of(name, seed, copy)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, scene {1}")
    @MethodSource("nearDuplicates")
    void copiesOfAPictureHashWithinTheNearDuplicateDistance(String name, long seed, UnaryOperator<BufferedImage> copy) {
        BufferedImage original = scene(seed);

        int distance = PerceptualHash.distance(PerceptualHash.of(original), PerceptualHash.of(copy.apply(original)));

        assertThat(distance).isLessThanOrEqualTo(NEAR_DUPLICATE_DISTANCE);
    }

    @Test
    void distinctScenesHashFartherApartThanTheNearDuplicateDistance() {
        long[] hashes = LongStream.range(100, 116)
                .map(seed -> PerceptualHash.of(TestImages.scene(seed, 320, 240)))
                .toArray();

        List<String> tooClose = new ArrayList<>();
        for (int a = 0; a < hashes.length; a++) {
            for (int b = a + 1; b < hashes.length; b++) {
                int distance = PerceptualHash.distance(hashes[a], hashes[b]);
                if (distance <= NEAR_DUPLICATE_DISTANCE) {
                    tooClose.add("scenes " + (100 + a) + " and " + (100 + b) + ": " + distance);
                }
            }
        }
        assertThat(tooClose).isEmpty();
    }

    @Test
    void aMirrorImageIsADifferentPicture() {
        BufferedImage original = scene(41);
        BufferedImage mirrored =
                new BufferedImage(original.getWidth(), original.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = mirrored.createGraphics();
        g.drawImage(original, original.getWidth(), 0, -original.getWidth(), original.getHeight(), null);
        g.dispose();

        assertThat(PerceptualHash.distance(PerceptualHash.of(original), PerceptualHash.of(mirrored)))
                .isGreaterThan(NEAR_DUPLICATE_DISTANCE);
    }

    /**
     * A black-to-white step along x has, among the 8 x 8 lowest frequencies, only the DC term and odd
     * horizontal frequencies; of those the DC, the 3rd and the 7th are positive (the 1st and 5th are
     * negative). Every other coefficient is 0, so is the median, and exactly those three bits are set:
     * positions 0, 3 and 7 counted from the most significant bit. The same step along y sets the same
     * frequencies down the first column: positions 0, 24 and 56.
     */
    @Test
    void aStepEdgeHashesAsItsDctPredicts() {
        BufferedImage leftToRight = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        BufferedImage topToBottom = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        fill(leftToRight, 32, 0, 32, 64);
        fill(topToBottom, 0, 32, 64, 32);

        assertThat(PerceptualHash.of(leftToRight)).isEqualTo(0x9100_0000_0000_0000L);
        assertThat(PerceptualHash.of(topToBottom)).isEqualTo(0x8000_0080_0000_0080L);
    }

    @Test
    void flatImagesHashAlikeAtEverySize() {
        long expected = 1L << 63;  // only the DC term is above the median of the (all zero) others

        assertThat(PerceptualHash.of(TestImages.solid(7, 5, Color.WHITE))).isEqualTo(expected);
        assertThat(PerceptualHash.of(TestImages.solid(640, 480, Color.WHITE))).isEqualTo(expected);
        assertThat(PerceptualHash.of(TestImages.solid(333, 100, new Color(90, 120, 200)))).isEqualTo(expected);
    }

    @Test
    void theHashDependsOnPixelsNotOnHowTheyAreStored() {
        BufferedImage scene = scene(42);
        BufferedImage bgr = new BufferedImage(scene.getWidth(), scene.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        g.drawImage(scene, 0, 0, null);
        g.dispose();

        assertThat(PerceptualHash.of(bgr)).isEqualTo(PerceptualHash.of(scene));
    }

    private static BufferedImage scene(long seed) {
        return SCENES.computeIfAbsent(seed, TestImages::scene);
    }

    private static void fill(BufferedImage image, int x, int y, int width, int height) {
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(x, y, width, height);
        g.dispose();
    }

    private static long parse(String number) {
        if (number.startsWith("0x")) {
            return Long.parseUnsignedLong(number.substring(2), 16);
        }
        if (number.startsWith("0b")) {
            return Long.parseUnsignedLong(number.substring(2), 2);
        }
        return Long.parseLong(number);
    }

    @Test
    void withinAsksForAQuarterWithinTwoBitsOnlyBeyondElevenBits() {
        // 11 differences: 3, 3, 3 and 2 a quarter; some quarter always holds at most 2.
        assertThat(PerceptualHash.within(0L, 0x0003_0007_0007_0007L, 11)).isTrue();
        assertThat(PerceptualHash.within(0L, 0x0003_0007_0007_0007L, 10)).as("11 bits apart").isFalse();
        // 12 differences spread 3 a quarter: apart at 12; bunched 2, 4, 3, 3: within.
        assertThat(PerceptualHash.within(0L, 0x0007_0007_0007_0007L, 12)).isFalse();
        assertThat(PerceptualHash.within(0L, 0x0003_000F_0007_0007L, 12)).isTrue();
        assertThat(PerceptualHash.quarterRadius(12)).isEqualTo(2);
        assertThat(PerceptualHash.quarterRadius(7)).isEqualTo(1);
    }

    @Test
    void nearDuplicatesNeedOneCloseHashAndBothTogetherWithinTwoAndAHalfTimesTheDistance() {
        long far = 0x00FF_00FF_00FF_00FFL; // 32 bits
        assertThat(PerceptualHash.totalDistance(12)).isEqualTo(30);
        // Centres 12 bits apart (bunched), wide hashes 18: 30 in all.
        assertThat(PerceptualHash.nearDuplicates(0L, 0L, 0x0003_000F_0007_0007L, 0x0003_03FF_0007_0007L, 12)).isTrue();
        // The same with wide hashes 20 apart: 32 in all.
        assertThat(PerceptualHash.nearDuplicates(0L, 0L, 0x0003_000F_0007_0007L, 0x0003_0FFF_0007_0007L, 12)).isFalse();
        // Either pair may be the close one.
        assertThat(PerceptualHash.nearDuplicates(0L, 0L, 0x0FFFL, 0b11L, 12)).isTrue();
        assertThat(PerceptualHash.nearDuplicates(0L, 0L, far, far, 12)).isFalse();
    }
}
