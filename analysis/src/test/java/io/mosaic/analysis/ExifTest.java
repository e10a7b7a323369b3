package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExifTest {

    private static final String TAKEN = "2021:07:14 09:30:05";

    @TempDir
    Path dir;

    private final ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());
    private final BufferedImage upright = TestImages.scene(71, 160, 100);

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png"})
    void theMetadataLibraryReadsTheGeneratedBlock(String format) {
        byte[] tiff = ExifBlocks.tiff(6, TAKEN, "+02:00");
        byte[] image = format.equals("jpeg")
                ? ExifBlocks.intoJpeg(TestImages.jpeg(upright, 0.9f), tiff)
                : ExifBlocks.intoPng(TestImages.encode(upright, "png"), tiff);

        ImageMetadata metadata = ImageMetadata.read(format, new ByteArrayImageInput(image), image.length);

        assertThat(metadata).isEqualTo(new ImageMetadata(6, "2021-07-14T09:30:05+02:00"));
    }

    static Stream<Arguments> orientations() {
        return Stream.of(1, 2, 3, 4, 5, 6, 7, 8).map(Arguments::of);
    }

    /**
     * Stored turned or mirrored with the orientation saying how to undo it, a lossless PNG must give exactly
     * the analysis of the upright picture: same shown size, same pixels, so the same hash and measures.
     */
    @ParameterizedTest(name = "orientation {0}")
    @MethodSource("orientations")
    void everyOrientationIsUndoneBeforeMeasuring(int orientation) {
        BufferedImage stored = stored(upright, orientation);
        byte[] png = ExifBlocks.intoPng(TestImages.encode(stored, "png"), ExifBlocks.tiff(orientation, null, null));

        Analysis.Ok ok = ok(analyzer.analyze(png));
        Analysis.Ok reference = ok(analyzer.analyze(TestImages.encode(upright, "png")));

        assertThat(ok.orientation()).isEqualTo(orientation);
        assertThat(ok.width()).isEqualTo(160);
        assertThat(ok.height()).isEqualTo(100);
        assertThat(ok.perceptualHash()).isEqualTo(reference.perceptualHash());
        assertThat(ok.meanLuma()).isCloseTo(reference.meanLuma(), within(1e-9));
        assertThat(ok.sharpness()).isCloseTo(reference.sharpness(), within(reference.sharpness() * 1e-4));
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {3, 6, 8})
    void aJpegFromACameraHeldSidewaysIsMeasuredUpright(int orientation) {
        byte[] jpeg = ExifBlocks.intoJpeg(TestImages.jpeg(stored(upright, orientation), 0.9f),
                ExifBlocks.tiff(orientation, TAKEN, null));

        Analysis.Ok ok = ok(analyzer.analyze(jpeg));
        Analysis.Ok reference = ok(analyzer.analyze(TestImages.jpeg(upright, 0.9f)));

        assertThat(ok.orientation()).isEqualTo(orientation);
        assertThat(ok.capturedAt()).isEqualTo("2021-07-14T09:30:05");
        assertThat(ok.width()).isEqualTo(160);
        assertThat(ok.height()).isEqualTo(100);
        // The turned copy was compressed separately, so its pixels differ by a little rounding.
        assertThat(PerceptualHash.distance(ok.perceptualHash(), reference.perceptualHash())).isLessThanOrEqualTo(2);
        assertThat(ok.meanLuma()).isCloseTo(reference.meanLuma(), within(0.005));
    }

    @Test
    void aTiffsOwnOrientationTagIsApplied() throws IOException {
        byte[] tiff = tiffWithOrientation(stored(upright, 8), 8);
        Path file = Files.write(dir.resolve("scan.tif"), tiff);

        Analysis.Ok ok = ok(analyzer.analyze(file));

        assertThat(ok.format()).isEqualTo("tiff");
        assertThat(ok.orientation()).isEqualTo(8);
        assertThat(ok.width()).isEqualTo(160);
        assertThat(ok.height()).isEqualTo(100);
        assertThat(ok.perceptualHash()).isEqualTo(PerceptualHash.centre(upright));
    }

    @ParameterizedTest(name = "\"{0}\" \"{1}\"")
    @CsvSource(value = {
            "2021:07:14 09:30:05 | -           | 2021-07-14T09:30:05",
            "2021:07:14 09:30:00 | -           | 2021-07-14T09:30:00",
            "2021:07:14 09:30:05 | +02:00      | 2021-07-14T09:30:05+02:00",
            "2021:07:14 09:30:05 | -05:30      | 2021-07-14T09:30:05-05:30",
            "2021:07:14 09:30:05 | +00:00      | 2021-07-14T09:30:05Z",
            "2021:07:14 09:30:05 | '  :  '     | 2021-07-14T09:30:05",
            "0000:00:00 00:00:00 | -           | -",
            "'    :  :     :  :  ' | -         | -",
            "2021:02:30 10:00:00 | -           | -",
            "yesterday           | -           | -",
    }, delimiter = '|', nullValues = "-")
    void captureTimeIsReportedAsIso8601WhenTheFileHasAValidOne(String dateTimeOriginal, String offset,
                                                               String expected) {
        byte[] jpeg = ExifBlocks.intoJpeg(TestImages.jpeg(upright, 0.9f), ExifBlocks.tiff(1, dateTimeOriginal, offset));

        assertThat(ok(analyzer.analyze(jpeg)).capturedAt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp", "tiff", "webp"})
    void withoutExifAnImageIsUprightAndUndated(String format) {
        Analysis.Ok ok = ok(analyzer.analyze(TestImages.encode(upright, format)));

        assertThat(ok.orientation()).isEqualTo(1);
        assertThat(ok.capturedAt()).isNull();
        assertThat(ok.width()).isEqualTo(160);
    }

    static Stream<Arguments> damagedBlocks() {
        byte[] good = ExifBlocks.tiff(6, TAKEN, null);
        byte[] unknownByteOrder = good.clone();
        unknownByteOrder[0] = 'X';
        unknownByteOrder[1] = 'X';
        return Stream.of(
                Arguments.of("block cut inside its first entry", Arrays.copyOf(good, 16)),
                Arguments.of("byte order neither II nor MM", unknownByteOrder),
                Arguments.of("orientation 9, which does not exist", ExifBlocks.tiff(9, null, null)),
                Arguments.of("orientation 0", ExifBlocks.tiff(0, null, null)),
                Arguments.of("not TIFF at all", "hello, world".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("empty block", new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedBlocks")
    void damagedExifLeavesTheImageUprightAndAnalysed(String name, byte[] block) {
        byte[] jpeg = ExifBlocks.intoJpeg(TestImages.jpeg(upright, 0.9f), block);

        Analysis.Ok ok = ok(analyzer.analyze(jpeg));

        assertThat(ok.orientation()).isEqualTo(1);
        assertThat(ok.capturedAt()).isNull();
        assertThat(ok.width()).isEqualTo(160);
        assertThat(ok.height()).isEqualTo(100);
    }

    @Test
    void aChunkDeclaringMoreThanTheFileHoldsIsNotAllocated() {
        byte[] png = ExifBlocks.intoPng(TestImages.encode(upright, "png"), ExifBlocks.tiff(6, TAKEN, null),
                Integer.MAX_VALUE);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        ImageMetadata metadata = ImageMetadata.read("png", new ByteArrayImageInput(png), png.length);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(metadata).isEqualTo(ImageMetadata.NONE);
        assertThat(allocated).isLessThan(16L << 20);
    }

    /**
     * The picture as a camera would store it when it records {@code orientation} instead of turning the
     * pixels: the inverse of the display transform that EXIF defines for that orientation.
     */
    static BufferedImage stored(BufferedImage shown, int orientation) {
        int w = shown.getWidth();
        int h = shown.getHeight();
        boolean swapped = orientation >= 5;
        int storedWidth = swapped ? h : w;
        int storedHeight = swapped ? w : h;
        // Where a stored pixel (x, y) goes when shown, from the EXIF 2.32 table of the Orientation tag.
        AffineTransform show = switch (orientation) {
            case 1 -> new AffineTransform();
            case 2 -> new AffineTransform(-1, 0, 0, 1, storedWidth, 0);               // mirror left-right
            case 3 -> new AffineTransform(-1, 0, 0, -1, storedWidth, storedHeight);   // half turn
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, storedHeight);              // mirror top-bottom
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);                          // transpose
            case 6 -> new AffineTransform(0, 1, -1, 0, storedHeight, 0);              // quarter turn clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, storedHeight, storedWidth);   // transverse
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, storedWidth);               // quarter turn anticlockwise
            default -> throw new IllegalArgumentException("orientation " + orientation);
        };
        BufferedImage stored = new BufferedImage(storedWidth, storedHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stored.createGraphics();
        try {
            g.drawImage(shown, show.createInverse(), null);
        } catch (NoninvertibleTransformException e) {
            throw new AssertionError(e);
        } finally {
            g.dispose();
        }
        return stored;
    }

    /** A TIFF with an Orientation tag, written by the JDK's TIFF writer, which takes tags from metadata. */
    private static byte[] tiffWithOrientation(BufferedImage image, int orientation) {
        ImageWriter writer = null;
        for (Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff"); writers.hasNext(); ) {
            ImageWriter candidate = writers.next();
            if (candidate.getClass().getName().startsWith("com.sun.")) {
                writer = candidate;
            }
        }
        assertThat(writer).as("the JDK's TIFF writer").isNotNull();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            IIOMetadata defaults = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), writer.getDefaultWriteParam());
            TIFFDirectory directory = TIFFDirectory.createFromMetadata(defaults);
            directory.addTIFFField(new TIFFField(
                    BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_ORIENTATION), orientation));
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, directory.getAsMetadata()), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static Analysis.Ok ok(Analysis analysis) {
        assertThat(analysis).isInstanceOf(Analysis.Ok.class);
        return (Analysis.Ok) analysis;
    }
}
