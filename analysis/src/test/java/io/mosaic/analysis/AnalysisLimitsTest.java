package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-image time limit, and memory that depends on the analysing threads rather than on image size. */
class AnalysisLimitsTest {

    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp", "tiff", "webp"})
    void anImageThatRunsPastTheTimeLimitFailsWithTheLimit(String format) {
        byte[] image = TestImages.encode(TestImages.scene(81, 200, 150), format);
        // The clock reads 0 when the analysis starts and 51 ms at every later look.
        AtomicLong reads = new AtomicLong();
        ImageAnalyzer analyzer = new ImageAnalyzer(limits(50), () -> reads.getAndIncrement() == 0 ? 0 : 51 * MS);

        Analysis analysis = analyzer.analyze(image);

        assertThat(analysis).isInstanceOf(Analysis.Failed.class);
        assertThat(((Analysis.Failed) analysis).reason()).isEqualTo("analysis timed out after 50 ms");
        assertThat(analysis.bytes()).isEqualTo(image.length);
    }

    /**
     * With a clock that moves 1 ms each time it is read, the limit passes after that many reads. Decoders
     * report progress every row (PNG, GIF, BMP) or every few percent (JPEG), and the analyzer reads the
     * clock at each report: stopping the decoder shows as far fewer reads than a whole decode takes.
     */
    @ParameterizedTest(name = "{0}, limit {1} ms")
    @CsvSource({"png, 60", "gif, 60", "bmp, 60", "jpeg, 5"})
    void theDecoderIsStoppedAtTheLimitRatherThanAtTheEnd(String format, long limitMs) {
        byte[] image = TestImages.encode(TestImages.scene(82, 200, 1200), format);
        AtomicLong wholeDecode = new AtomicLong();
        assertThat(new ImageAnalyzer(limits(60_000), () -> wholeDecode.getAndIncrement() * MS).analyze(image))
                .isInstanceOf(Analysis.Ok.class);

        AtomicLong reads = new AtomicLong();
        Analysis analysis = new ImageAnalyzer(limits(limitMs), () -> reads.getAndIncrement() * MS).analyze(image);

        assertThat(analysis).isInstanceOf(Analysis.Failed.class);
        assertThat(((Analysis.Failed) analysis).reason()).isEqualTo("analysis timed out after " + limitMs + " ms");
        assertThat(reads.get()).isLessThanOrEqualTo(limitMs + 5).isLessThan(wholeDecode.get() / 2);
    }

    @Test
    void aRealDecodeLongerThanTheLimitTimesOut() {
        byte[] jpeg = TestImages.jpeg(TestImages.scene(83, 2000, 1500), 0.9f);

        Analysis analysis = new ImageAnalyzer(limits(1)).analyze(jpeg);

        assertThat(analysis).isInstanceOf(Analysis.Failed.class);
        assertThat(((Analysis.Failed) analysis).reason()).isEqualTo("analysis timed out after 1 ms");
    }

    /**
     * A 6000 x 4000 photo would take 96 MB as one full-size 4-byte-per-pixel copy; subsampled decoding keeps
     * the analysis to a fraction of that, counted as every byte the analysing thread allocates (garbage
     * included). Surefire runs with -Xmx512m.
     */
    @Test
    void aLargePhotoIsAnalysedWithoutAnyFullSizeCopy() throws IOException {
        Path file = dir.resolve("large.jpg");
        Files.write(file, largeJpeg(6000, 4000));
        ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());
        analyzer.analyze(file); // load the decoders' classes and tables first
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        Analysis analysis = analyzer.analyze(file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(analysis).isInstanceOf(Analysis.Ok.class);
        assertThat(((Analysis.Ok) analysis).width()).isEqualTo(6000);
        assertThat(((Analysis.Ok) analysis).height()).isEqualTo(4000);
        assertThat(allocated).isLessThan(6000L * 4000 * 4 / 2);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new AnalysisLimits(1, 1, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisLimits(1, 1, 1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisLimits(1, 1, 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(AnalysisLimits.defaults().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new AnalysisLimits(1, 1, 1).timeout()).isEqualTo(AnalysisLimits.DEFAULT_TIMEOUT);
        assertThat(AnalysisLimits.defaults().withTimeout(Duration.ofSeconds(2)).timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    private static AnalysisLimits limits(long timeoutMs) {
        return AnalysisLimits.defaults().withTimeout(Duration.ofMillis(timeoutMs));
    }

    /** A scene drawn small and enlarged: detail does not matter here, and drawing 24 megapixels would. */
    private static byte[] largeJpeg(int width, int height) {
        BufferedImage small = TestImages.scene(84, width / 8, height / 8);
        BufferedImage large = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, width, height, null);
        g.dispose();
        return TestImages.jpeg(large, 0.85f);
    }
}
