package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The variants of each format that cameras, scanners and editors write, each generated here and checked to
 * really be that variant (by its header bytes) before it is analysed.
 */
class ImageFormatsTest {

    private static final int WIDTH = 240;
    private static final int HEIGHT = 160;

    private final ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());
    private final BufferedImage scene = TestImages.scene(61, WIDTH, HEIGHT);

    @Test
    void cmykJpeg() {
        byte[] jpeg = cmykJpeg(scene);
        assertThat(jpegFrame(jpeg).components()).isEqualTo(4);
        assertThat(adobeTransform(jpeg)).isZero(); // 0 with 4 components: CMYK, neither YCCK nor RGB

        Analysis.Ok ok = ok(analyzer.analyze(jpeg));

        assertThat(ok.format()).isEqualTo("jpeg");
        assertThat(ok.width()).isEqualTo(WIDTH);
        assertThat(ok.height()).isEqualTo(HEIGHT);
        // Inks are converted back to RGB by the decoder, not by this test's formula: close, not exact.
        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(scene), within(0.02));
        assertThat(PerceptualHash.distance(ok.perceptualHash(), PerceptualHash.centre(scene)))
                .isLessThanOrEqualTo(PerceptualHash.NEAR_DUPLICATE_DISTANCE);
        assertThat(ok.blurry()).isFalse();
    }

    @Test
    void cmykInksGiveTheColoursTheyPrint() {
        // Left half no ink at all (paper white), right half full black ink only.
        WritableRaster inks = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 32, 4, null);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                inks.setPixel(x, y, new int[] {0, 0, 0, x < 32 ? 0 : 255});
            }
        }

        Analysis.Ok ok = ok(analyzer.analyze(cmykJpeg(inks)));

        // Read as RGB, or without undoing the inversion, this would be a mean of 0 or of some colour.
        assertThat(ok.meanLuma()).isCloseTo(0.5, within(0.02));
    }

    @Test
    void progressiveJpeg() {
        byte[] jpeg = jpeg(scene, true);
        assertThat(jpegFrame(jpeg).marker()).isEqualTo(0xc2); // SOF2: progressive, Huffman

        Analysis.Ok ok = ok(analyzer.analyze(jpeg));
        Analysis.Ok baseline = ok(analyzer.analyze(jpeg(scene, false)));

        assertThat(ok.width()).isEqualTo(WIDTH);
        assertThat(ok.height()).isEqualTo(HEIGHT);
        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(scene), within(0.01));
        assertThat(PerceptualHash.distance(ok.perceptualHash(), baseline.perceptualHash())).isLessThanOrEqualTo(2);
        assertThat(ok.sharpness()).isCloseTo(baseline.sharpness(), within(baseline.sharpness() * 0.05));
    }

    @Test
    void sixteenBitRgbPng() {
        BufferedImage deep = sixteenBitRgb(scene);
        byte[] png = TestImages.encode(deep, "png");
        assertThat(pngHeader(png)).containsExactly(16, 2); // 16 bits per sample, RGB

        Analysis.Ok ok = ok(analyzer.analyze(png));

        assertThat(ok.format()).isEqualTo("png");
        assertThat(ok.width()).isEqualTo(WIDTH);
        assertThat(ok.height()).isEqualTo(HEIGHT);
        // Each 8-bit value v was stored as v * 257, so scaling back gives the exact pixels.
        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(scene), within(1e-4));
        assertThat(ok.perceptualHash()).isEqualTo(PerceptualHash.centre(scene));
    }

    @Test
    void pngWithAlpha() {
        BufferedImage translucent = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int alpha = (x * 255 / WIDTH) << 24;   // transparent on the left, opaque on the right
                translucent.setRGB(x, y, alpha | (scene.getRGB(x, y) & 0xffffff));
            }
        }
        byte[] png = TestImages.encode(translucent, "png");
        assertThat(pngHeader(png)).containsExactly(8, 6); // 8 bits per sample, RGB with alpha

        Analysis.Ok ok = ok(analyzer.analyze(png));

        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(scene), within(1e-4));
        assertThat(ok.perceptualHash()).isEqualTo(PerceptualHash.centre(scene));
    }

    @Test
    void palettePng() {
        BufferedImage indexed = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_INDEXED);
        Graphics2D g = indexed.createGraphics();
        g.drawImage(scene, 0, 0, null);
        g.dispose();
        byte[] png = TestImages.encode(indexed, "png");
        assertThat(pngHeader(png)[1]).isEqualTo(3); // palette

        Analysis.Ok ok = ok(analyzer.analyze(png));

        assertThat(ok.meanLuma()).isCloseTo(TestImages.meanLuma(indexed), within(1e-4));
        assertThat(PerceptualHash.distance(ok.perceptualHash(), PerceptualHash.centre(scene)))
                .isLessThanOrEqualTo(PerceptualHash.NEAR_DUPLICATE_DISTANCE);
    }

    /**
     * A CMYK JPEG as Photoshop writes it: four components and an Adobe APP14 segment saying "no colour
     * transform", with inverted ink values (255 is no ink), which every reader expects from such files.
     */
    static byte[] cmykJpeg(BufferedImage rgb) {
        WritableRaster inks = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, rgb.getWidth(), rgb.getHeight(), 4, null);
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int pixel = rgb.getRGB(x, y);
                int red = (pixel >> 16) & 0xff;
                int green = (pixel >> 8) & 0xff;
                int blue = pixel & 0xff;
                int black = 255 - Math.max(red, Math.max(green, blue));
                int scale = 255 - black;
                inks.setPixel(x, y, new int[] {
                        scale == 0 ? 0 : (scale - red) * 255 / scale,
                        scale == 0 ? 0 : (scale - green) * 255 / scale,
                        scale == 0 ? 0 : (scale - blue) * 255 / scale,
                        black});
            }
        }
        return cmykJpeg(inks);
    }

    /** {@code inks}: C, M, Y, K from 0 (none) to 255 (full). */
    static byte[] cmykJpeg(WritableRaster inks) {
        WritableRaster stored = inks.createCompatibleWritableRaster();
        int[] samples = inks.getPixels(0, 0, inks.getWidth(), inks.getHeight(), (int[]) null);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 255 - samples[i];
        }
        stored.setPixels(0, 0, inks.getWidth(), inks.getHeight(), samples);
        // Written as a raster, the JPEG writer stores the four bands as they are, without any segment saying
        // what they mean; the Adobe segment goes in right after the start-of-image marker.
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(stored, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] raw = bytes.toByteArray();
        ByteBuffer adobe = ByteBuffer.allocate(16)
                .put((byte) 0xff).put((byte) 0xee).putShort((short) 14)
                .put("Adobe".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 100)                  // DCTEncode version
                .putShort((short) 0).putShort((short) 0) // flags
                .put((byte) 0);                          // transform: none
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        jpeg.write(raw, 0, 2);
        jpeg.writeBytes(adobe.array());
        jpeg.write(raw, 2, raw.length - 2);
        return jpeg.toByteArray();
    }

    static byte[] jpeg(BufferedImage image, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The frame header: which SOF marker, and how many components. */
    record Frame(int marker, int components) {
    }

    static Frame jpegFrame(byte[] jpeg) {
        for (int i = 2; i + 9 < jpeg.length; ) {
            int marker = jpeg[i + 1] & 0xff;
            int length = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            if (marker >= 0xc0 && marker <= 0xc2) {
                return new Frame(marker, jpeg[i + 9] & 0xff);
            }
            i += 2 + length;
        }
        throw new AssertionError("no frame header");
    }

    private static int adobeTransform(byte[] jpeg) {
        for (int i = 2; i + 15 < jpeg.length; ) {
            int marker = jpeg[i + 1] & 0xff;
            int length = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            if (marker == 0xee) {
                return jpeg[i + 15] & 0xff;
            }
            i += 2 + length;
        }
        throw new AssertionError("no Adobe segment");
    }

    /** Bit depth and colour type from the IHDR chunk, which always comes first. */
    private static int[] pngHeader(byte[] png) {
        assertThat(new String(png, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        return new int[] {png[24] & 0xff, png[25] & 0xff};
    }

    private static BufferedImage sixteenBitRgb(BufferedImage rgb) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {16, 16, 16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(rgb.getWidth(), rgb.getHeight());
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int pixel = rgb.getRGB(x, y);
                raster.setPixel(x, y, new int[] {
                        ((pixel >> 16) & 0xff) * 257, ((pixel >> 8) & 0xff) * 257, (pixel & 0xff) * 257});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static Analysis.Ok ok(Analysis analysis) {
        assertThat(analysis).isInstanceOf(Analysis.Ok.class);
        return (Analysis.Ok) analysis;
    }
}
