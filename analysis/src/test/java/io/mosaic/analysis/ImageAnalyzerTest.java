package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.mosaic.analysis.samples.SampleImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageAnalyzerTest {

    private static final String NOT_AN_IMAGE = "not a recognised image format";
    private static final String CORRUPT = "corrupt or truncated image: ";

    @TempDir
    Path dir;

    private final ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp", "tiff", "webp"})
    void readsEveryFormatWithItsSizeAndPixels(String format) throws IOException {
        BufferedImage scene = TestImages.scene(11, 320, 200);
        Path file = write("scene." + format, TestImages.encode(scene, format));

        Analysis.Ok ok = ok(analyzer.analyze(file));

        assertThat(ok.format()).isEqualTo(format);
        assertThat(ok.width()).isEqualTo(320);
        assertThat(ok.height()).isEqualTo(200);
        assertThat(ok.bytes()).isEqualTo(Files.size(file));
        // Lossless formats give back the exact pixels; GIF's palette and JPEG's quantisation move them a little.
        double tolerance = switch (format) {
            case "jpeg", "gif" -> 0.01;
            default -> 1e-6;
        };
        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(scene), within(tolerance));
        int hashBits = tolerance == 0.01 ? 4 : 0;
        assertThat(PerceptualHash.distance(ok.perceptualHash(), PerceptualHash.centre(scene))).isLessThanOrEqualTo(hashBits);
        assertThat(PerceptualHash.distance(ok.wideHash(), PerceptualHash.wide(scene))).isLessThanOrEqualTo(hashBits);
        assertThat(ok.blurry()).isFalse();
        assertThat(ok.durationMs()).isNotNegative();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "webp"})
    void bytesInMemoryGiveTheSameAnalysisAsTheFile(String format) throws IOException {
        byte[] encoded = TestImages.encode(TestImages.scene(12, 300, 240), format);

        Analysis fromFile = analyzer.analyze(write("scene." + format, encoded));
        Analysis fromBytes = analyzer.analyze(encoded);

        assertThat(withoutDuration(fromBytes)).isEqualTo(withoutDuration(fromFile));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "white,     255, 255, 255, 1.0",
            "black,       0,   0,   0, 0.0",
            "mid-grey,  128, 128, 128, 0.50196",
            "pure red,  255,   0,   0, 0.299",
            "pure green,  0, 255,   0, 0.587",
            "pure blue,   0,   0, 255, 0.114",
    })
    void meanLumaIsRec601LumaOfTheColour(String name, int red, int green, int blue, double expected) {
        byte[] png = TestImages.encode(TestImages.solid(64, 48, new Color(red, green, blue)), "png");

        assertThat(ok(analyzer.analyze(png)).meanLuma()).isCloseTo(expected, within(1e-4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "tiff"})
    void greyscaleFilesAreReadAsStoredNotThroughALinearGreyCurve(String format) {
        byte[] grey = TestImages.encode(TestImages.solidGrey(64, 48, 128), format);

        Analysis.Ok ok = ok(analyzer.analyze(grey));

        assertThat(ok.meanLuma()).isCloseTo(128 / 255.0, within(0.005));
    }

    @Test
    void sixteenBitGreyIsScaledToTheSameRange() {
        BufferedImage deep = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        int[] row = new int[40];
        Arrays.fill(row, 49151);  // three quarters of 65535
        for (int y = 0; y < 30; y++) {
            deep.getRaster().setSamples(0, y, 40, 1, 0, row);
        }

        assertThat(ok(analyzer.analyze(TestImages.encode(deep, "png"))).meanLuma()).isCloseTo(0.75, within(1e-4));
    }

    @Test
    void alphaIsIgnored() {
        BufferedImage transparentWhite = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        int[] pixels = new int[32 * 32];
        Arrays.fill(pixels, 0x00ffffff);
        transparentWhite.setRGB(0, 0, 32, 32, pixels, 0, 32);

        assertThat(ok(analyzer.analyze(TestImages.encode(transparentWhite, "png"))).meanLuma())
                .isCloseTo(1.0, within(1e-4));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void sharpScenesAreNotBlurryButHeavilyBlurredCopiesAre(long seed) {
        BufferedImage scene = TestImages.scene(seed);

        Analysis.Ok sharp = ok(analyzer.analyze(TestImages.encode(scene, "png")));
        // 640 px shrinks to 512 for the measurement: sigma 2.5 px here is 2 px there.
        Analysis.Ok blurred = ok(analyzer.analyze(TestImages.encode(TestImages.blur(scene, 2.5), "png")));

        assertThat(sharp.blurry()).isFalse();
        assertThat(blurred.blurry()).isTrue();
        // A 2 px blur scores about 2.1 on edges, a sharp textured scene 7 and more.
        assertThat(blurred.sharpness()).isLessThan(sharp.sharpness() / 2.5);
    }

    @Test
    void blurryIsDecidedByTheConfiguredThreshold() {
        byte[] png = TestImages.encode(TestImages.scene(5), "png");
        double sharpness = ok(analyzer.analyze(png)).sharpness();

        AnalysisLimits strict = new AnalysisLimits(1 << 20, 1_000_000, sharpness + 1);
        AnalysisLimits lenient = new AnalysisLimits(1 << 20, 1_000_000, sharpness - 1);

        assertThat(ok(new ImageAnalyzer(strict).analyze(png)).blurry()).isTrue();
        assertThat(ok(new ImageAnalyzer(lenient).analyze(png)).blurry()).isFalse();
    }

    @Test
    void resizedCopiesOfOneSceneHaveSimilarSharpness() {
        BufferedImage scene = TestImages.scene(6, 1600, 1200);

        double original = ok(analyzer.analyze(TestImages.encode(scene, "bmp"))).sharpness();
        double half = ok(analyzer.analyze(TestImages.encode(TestImages.resize(scene, 800, 600), "bmp"))).sharpness();
        double larger = ok(analyzer.analyze(TestImages.encode(TestImages.resize(scene, 1100, 825), "png"))).sharpness();

        assertThat(half / original).isBetween(0.7, 1.4);
        assertThat(larger / original).isBetween(0.7, 1.4);
    }

    @Test
    void largeImagesAreDecodedSubsampledButReportTheirFullSize() {
        BufferedImage scene = TestImages.scene(7, 3000, 2000);
        byte[] large = TestImages.jpeg(scene, 0.9f);
        byte[] small = TestImages.jpeg(TestImages.resize(scene, 1500, 1000), 0.9f);
        scene = null;

        Analysis.Ok big = ok(analyzer.analyze(large));
        Analysis.Ok copy = ok(analyzer.analyze(small));

        assertThat(ImageAnalyzer.subsampling(3000, 2000)).isGreaterThan(1);
        assertThat(big.width()).isEqualTo(3000);
        assertThat(big.height()).isEqualTo(2000);
        assertThat(big.sharpness() / copy.sharpness()).isBetween(0.7, 1.4);
        assertThat(big.meanLuma()).isCloseTo(copy.meanLuma(), within(0.01));
        assertThat(PerceptualHash.distance(big.perceptualHash(), copy.perceptualHash()))
                .isLessThanOrEqualTo(PerceptualHash.NEAR_DUPLICATE_DISTANCE);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 511, 1024, 2047, 2048, 5000, 24_000})
    void subsamplingKeepsTheDecodedLongerSideAtLeastTheDecodeSize(int longSide) {
        int step = ImageAnalyzer.subsampling(longSide, longSide / 2 + 1);
        int decoded = (longSide + step - 1) / step;

        assertThat(step).isPositive();
        assertThat(decoded).isGreaterThanOrEqualTo(Math.min(longSide, ImageAnalyzer.DECODE_LONG_SIDE));
        assertThat(decoded).isLessThan(2 * ImageAnalyzer.DECODE_LONG_SIDE + 1);
    }

    static Stream<Arguments> brokenInputs() {
        Supplier<byte[]> jpeg = () -> TestImages.jpeg(TestImages.scene(21, 400, 300), 0.9f);
        Supplier<byte[]> png = () -> TestImages.encode(TestImages.scene(22, 400, 300), "png");
        Supplier<byte[]> webp = () -> TestImages.encode(TestImages.scene(24, 200, 150), "webp");
        return Stream.of(
                Arguments.of("empty file", "empty.jpg", (Supplier<byte[]>) () -> new byte[0], "empty file"),
                Arguments.of("truncated JPEG", "cut.jpg", cut(jpeg, 0.6), CORRUPT),
                Arguments.of("JPEG cut inside its header", "cut-header.jpg", cut(jpeg, 0.01), CORRUPT),
                Arguments.of("truncated PNG", "cut.png", cut(png, 0.5), CORRUPT),
                Arguments.of("truncated WebP", "cut.webp", cut(webp, 0.5), CORRUPT),
                Arguments.of("random bytes named .png", "noise.png",
                        (Supplier<byte[]>) () -> TestImages.randomBytes(99, 4096), NOT_AN_IMAGE),
                Arguments.of("text named .jpg", "notes.jpg",
                        (Supplier<byte[]>) () -> "Shopping: milk, eggs, film\n".repeat(40)
                                .getBytes(StandardCharsets.UTF_8), NOT_AN_IMAGE),
                Arguments.of("20000 x 20000 PNG header", "bomb.png",
                        (Supplier<byte[]>) () -> SampleImages.pngHeaderOnly(20_000, 20_000),
                        "image declares 20000 x 20000 pixels, over the limit of 100000000 (decompression bomb?)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenInputs")
    void brokenFilesFailWithAReadableReason(String name, String fileName, Supplier<byte[]> content, String reason)
            throws IOException {
        byte[] bytes = content.get();

        Analysis.Failed failed = failed(analyzer.analyze(write(fileName, bytes)));

        assertReason(failed, reason);
        assertThat(failed.bytes()).isEqualTo(bytes.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenInputs")
    void brokenBytesFailWithTheSameReason(String name, String fileName, Supplier<byte[]> content, String reason) {
        assertReason(failed(analyzer.analyze(content.get())), reason);
    }

    @Test
    void truncatedJpegReasonCarriesTheDecodersMessage() throws IOException {
        byte[] jpeg = TestImages.jpeg(TestImages.scene(23, 400, 300), 0.9f);

        String reason = failed(analyzer.analyze(Arrays.copyOf(jpeg, jpeg.length / 2))).reason();

        assertThat(reason).startsWith(CORRUPT).hasSizeGreaterThan(CORRUPT.length() + 5);
    }

    @Test
    void aJpegMissingOnlyItsEndMarkerHasAllItsPixelsAndIsAnalysed() {
        BufferedImage scene = TestImages.scene(25, 400, 300);
        byte[] jpeg = TestImages.jpeg(scene, 0.9f);

        Analysis.Ok complete = ok(analyzer.analyze(jpeg));
        Analysis.Ok withoutEoi = ok(analyzer.analyze(Arrays.copyOf(jpeg, jpeg.length - 2)));

        assertThat(withoutEoi.meanLuma()).isEqualTo(complete.meanLuma());
        assertThat(withoutEoi.perceptualHash()).isEqualTo(complete.perceptualHash());
    }

    @Test
    void aLargeWebPIsRefusedBeforeItsWholeCanvasIsDecoded() {
        // The WebP reader cannot subsample: 20 megapixels would be an 80 MB canvas, so WebP has a lower limit.
        String reason = failed(analyzer.analyze(WebPLossless.declaring(5_000, 4_000))).reason();

        assertThat(reason).isEqualTo("WebP image declares 5000 x 4000 pixels, over the limit of "
                + ImageAnalyzer.MAX_WEBP_PIXELS + " for WebP, whose decoder holds the whole canvas");
        assertThat(ImageAnalyzer.MAX_WEBP_PIXELS).isLessThan(AnalysisLimits.DEFAULT_MAX_PIXELS);
    }

    @Test
    void aBombIsRefusedBeforeAnyPixelIsAllocated() {
        // 400 megapixels of RGB would need 1.2 GB, more than this JVM has (surefire runs it with -Xmx512m):
        // getting a Failed back at all shows the pixels were never allocated.
        byte[] bomb = SampleImages.pngHeaderOnly(20_000, 20_000);

        assertThat(bomb.length).isLessThan(200);
        assertThat(failed(analyzer.analyze(bomb)).reason()).contains("decompression bomb");
    }

    @Test
    void refusesFilesOverTheByteLimit() throws IOException {
        byte[] png = TestImages.encode(TestImages.scene(31, 200, 150), "png");
        ImageAnalyzer small = new ImageAnalyzer(new AnalysisLimits(1000, 1_000_000, 100));

        Analysis.Failed failed = failed(small.analyze(write("big.png", png)));

        assertThat(failed.reason()).isEqualTo("file is " + png.length + " bytes, over the limit of 1000");
        assertThat(failed.bytes()).isEqualTo(png.length);
        assertThat(failed(small.analyze(png)).reason()).isEqualTo(failed.reason());
    }

    @Test
    void refusesImagesOverThePixelLimit() {
        byte[] gif = TestImages.encode(TestImages.scene(32, 320, 200), "gif");
        ImageAnalyzer small = new ImageAnalyzer(new AnalysisLimits(1 << 20, 10_000, 100));

        assertThat(failed(small.analyze(gif)).reason())
                .isEqualTo("image declares 320 x 200 pixels, over the limit of 10000 (decompression bomb?)");
    }

    @Test
    void aMissingFileIsReportedAsSuch() {
        Path missing = dir.resolve("missing.jpg");

        assertThat(failed(analyzer.analyze(missing)).reason()).isEqualTo("file not found: " + missing);
    }

    @Test
    void aDirectoryIsNotAnImage() {
        assertThat(failed(analyzer.analyze(dir)).reason()).isEqualTo("not a regular file: " + dir);
    }

    @Test
    void anUnreadableFileGivesTheIoError() throws IOException {
        Path file = write("secret.png", TestImages.encode(TestImages.solid(8, 8, Color.RED), "png"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as a user who can read anything (root)");

        assertThat(failed(analyzer.analyze(file)).reason()).startsWith("cannot read file: ").contains("denied");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new AnalysisLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisLimits(1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisLimits(1, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AnalysisLimits.defaults().maxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(AnalysisLimits.defaults().maxPixels()).isEqualTo(100_000_000L);
    }

    private static Supplier<byte[]> cut(Supplier<byte[]> content, double fraction) {
        return () -> {
            byte[] bytes = content.get();
            return Arrays.copyOf(bytes, Math.max(1, (int) (bytes.length * fraction)));
        };
    }

    private static void assertReason(Analysis.Failed failed, String expected) {
        if (expected.endsWith(": ")) {
            assertThat(failed.reason()).startsWith(expected).hasSizeGreaterThan(expected.length());
        } else {
            assertThat(failed.reason()).isEqualTo(expected);
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static Analysis.Ok ok(Analysis analysis) {
        assertThat(analysis).isInstanceOf(Analysis.Ok.class);
        return (Analysis.Ok) analysis;
    }

    private static Analysis.Failed failed(Analysis analysis) {
        assertThat(analysis).isInstanceOf(Analysis.Failed.class);
        return (Analysis.Failed) analysis;
    }

    private static Analysis withoutDuration(Analysis analysis) {
        if (analysis instanceof Analysis.Ok ok) {
            return new Analysis.Ok(ok.format(), ok.width(), ok.height(), ok.bytes(), ok.meanLuma(),
                    ok.sharpness(), ok.blurry(), ok.perceptualHash(), ok.wideHash(), 0, ok.orientation(), ok.capturedAt(), 0, 0);
        }
        Analysis.Failed failed = (Analysis.Failed) analysis;
        return new Analysis.Failed(failed.reason(), failed.bytes(), 0);
    }
}
