package io.mosaic.analysis;

import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Analyses one image: format, size, mean luma, sharpness with a blurry flag, perceptual hash, and from its
 * EXIF metadata the orientation (applied before anything is measured) and the capture time.
 *
 * <p>Decoding goes through {@code javax.imageio}; the TwelveMonkeys plugins on the class path add WebP, CMYK
 * and YCCK JPEG, and better TIFF and BMP readers. Only JPEG (baseline, progressive, grey, RGB, CMYK), PNG
 * (8 and 16 bits, with or without alpha, palette), GIF, BMP, TIFF and WebP are accepted, even if another
 * plugin could read more. Metadata is read with the metadata-extractor library ({@link ImageMetadata}).
 *
 * <p>Memory is bounded by the number of threads calling the analyzer, not by the number of images: a call
 * holds one image at a time and keeps nothing once it returns. Limits are checked on the file size and on the
 * dimensions the header declares, before any pixel is decoded. Large images are then decoded with source
 * subsampling, so that the decoded copy's longer side is between {@value #DECODE_LONG_SIDE} and twice that:
 * at most about 4 megapixels, held as the decoded image plus a luma plane and its oriented copy (4 bytes a
 * pixel each), some 50 MB per thread whatever the image's size. The JPEG, PNG, GIF, BMP and TIFF readers
 * subsample as they decode, so a 24-megapixel JPEG is analysed without any full-size copy. Two exceptions:
 * the WebP reader decodes the whole canvas (4 bytes per pixel) first, so WebP images have a lower pixel limit,
 * {@value #MAX_WEBP_PIXELS} (64 MB of canvas; WebP itself stops at 16383 a side); and a progressive JPEG keeps its coefficients (2 bytes per sample) in native memory
 * while it is decoded. Content handed over as bytes is of course held by the caller, up to the byte limit.
 *
 * <p>Time: each image has a time limit ({@link AnalysisLimits#timeout()}). Decoders report their progress
 * every few rows; once the limit has passed, the decoder is told to stop ({@link ImageReader#abort()}) and
 * the image fails with "analysis timed out after N ms". The check runs on the calling thread, so no thread
 * is started or left behind; a decoder stuck inside one read call (a stalled network disk) is only stopped
 * when that call returns.
 *
 * <p>Thread-safe: each call uses its own reader, so one analyzer can serve a pool of workers.
 */
public final class ImageAnalyzer {

    /**
     * Sharpness is measured on a copy shrunk to this longer side: it compares blur in pixels, and a common
     * working size makes copies of one image score alike (on 40 generated scenes, copies resized to between
     * 30% and 150% but still at least this large scored 0.87 to 1.04 times the original). 512 px keeps fine
     * detail and costs little. Smaller images are measured as they are, never enlarged, because enlarging
     * smooths them into looking blurry; the price is that a small thumbnail can score higher than a large
     * copy of the same picture (0.9 to 2.1 times, on the same scenes).
     */
    static final int SHARPNESS_LONG_SIDE = 512;


    /** Largest WebP analysed, in pixels: its decoder holds the whole canvas, 4 bytes a pixel (64 MB a thread). */
    public static final long MAX_WEBP_PIXELS = 16_000_000L;
    /**
     * Subsampling while decoding keeps the decoded longer side at least this. Subsampling picks pixels
     * without averaging, which aliases; keeping twice the working size and then area-averaging down keeps
     * most of that out of the measurements: on scenes of 2,100 to 5,000 px, sharpness came within 3% of a
     * full-resolution decode, with the same hash.
     */
    static final int DECODE_LONG_SIDE = 2 * SHARPNESS_LONG_SIDE;

    /** Reader format names, as plugins spell them, mapped to the names Mosaic reports. */
    private static final Map<String, String> FORMATS = Map.of(
            "jpeg", "jpeg", "jpg", "jpeg",
            "png", "png",
            "gif", "gif",
            "bmp", "bmp",
            "tiff", "tiff", "tif", "tiff", "bigtiff", "tiff",
            "webp", "webp");

    /**
     * Decoder warnings that mean pixels were lost: the JPEG decoder does not fail on a truncated or damaged
     * scan, it warns and paints the rest grey. Other warnings leave every pixel decoded and are ignored:
     * stray bytes between segments, an unusable ICC profile or thumbnail, a missing end marker after
     * complete image data ("Missing EOI marker" alone).
     */
    private static final List<String> PIXELS_LOST = List.of("premature end", "bad huffman", "instead of rst");

    private static final String CORRUPT = "corrupt or truncated image: ";

    private final AnalysisLimits limits;
    private final LongSupplier nanoTime;

    public ImageAnalyzer(AnalysisLimits limits) {
        this(limits, System::nanoTime);
    }

    /** With a stand-in for {@link System#nanoTime()}, so tests can make time pass. */
    ImageAnalyzer(AnalysisLimits limits, LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Analyses a file. Never throws for a bad file: a missing, unreadable or broken one gives
     * {@link Analysis.Failed}.
     */
    public Analysis analyze(Path file) {
        Objects.requireNonNull(file, "file");
        Stopwatch watch = new Stopwatch();
        long bytes;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return failed("not a regular file: " + file, 0, watch);
            }
            bytes = attributes.size();
        } catch (NoSuchFileException e) {
            return failed("file not found: " + file, 0, watch);
        } catch (IOException | SecurityException e) {
            return failed("cannot read file: " + describe(e), 0, watch);
        }
        Analysis.Failed refused = refuseSize(bytes, watch);
        if (refused != null) {
            return refused;
        }
        // Opened here rather than by ImageIO, whose file stream providers turn "Permission denied" into null.
        RandomAccessFile opened;
        try {
            opened = new RandomAccessFile(file.toFile(), "r");
        } catch (IOException | SecurityException e) {
            return failed("cannot read file: " + describe(e), bytes, watch);
        }
        try (RandomAccessFile raf = opened) {
            ImageInputStream input = ImageIO.createImageInputStream(raf);
            return analyzeAndClose(input != null ? input : new FileImageInputStream(raf), bytes, watch);
        } catch (IOException e) {
            return failed("cannot read file: " + describe(e), bytes, watch);
        }
    }

    /** Analyses an image held in memory. Never throws for bad content: it gives {@link Analysis.Failed}. */
    public Analysis analyze(byte[] content) {
        Objects.requireNonNull(content, "content");
        Stopwatch watch = new Stopwatch();
        Analysis.Failed refused = refuseSize(content.length, watch);
        if (refused != null) {
            return refused;
        }
        ImageInputStream input = new ByteArrayImageInput(content);
        return analyzeAndClose(input, content.length, watch);
    }

    private Analysis.Failed refuseSize(long bytes, Stopwatch watch) {
        if (bytes == 0) {
            return failed("empty file", 0, watch);
        }
        if (bytes > limits.maxBytes()) {
            return failed("file is " + bytes + " bytes, over the limit of " + limits.maxBytes(), bytes, watch);
        }
        return null;
    }

    private Analysis analyzeAndClose(ImageInputStream input, long bytes, Stopwatch watch) {
        try (input) {
            return analyzeStream(input, bytes, watch);
        } catch (IOException e) {
            // Only closing can land here: the analysis catches its own I/O errors.
            return failed("cannot read file: " + describe(e), bytes, watch);
        }
    }

    private Analysis analyzeStream(ImageInputStream input, long bytes, Stopwatch watch) {
        ImageReader reader;
        try {
            reader = supportedReader(input);
        } catch (IOException | RuntimeException e) {
            reader = null;
        }
        if (reader == null) {
            return failed("not a recognised image format", bytes, watch);
        }
        try {
            return decodeAndMeasure(reader, input, bytes, watch);
        } finally {
            reader.dispose();
        }
    }

    private Analysis decodeAndMeasure(ImageReader reader, ImageInputStream input, long bytes, Stopwatch watch) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.addIIOReadProgressListener(new AbortWhenLate(watch));
        String format;
        int width;
        int height;
        ImageMetadata metadata;
        GreyImage grey;
        try {
            format = FORMATS.get(reader.getFormatName().toLowerCase(Locale.ROOT));
            if (format.equals("webp")) {
                String cut = truncatedRiff(input, bytes);
                if (cut != null) {
                    return failed(CORRUPT + cut, bytes, watch);
                }
            }
            // Read before the decoder takes the stream over: it may assume it alone moves the position.
            metadata = ImageMetadata.read(format, input, bytes);
            input.seek(0);
            reader.setInput(input, true, true);
            width = reader.getWidth(0);
            height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                return failed(CORRUPT + "header declares " + width + " x " + height + " pixels",
                        bytes, watch);
            }
            if ((long) width * height > limits.maxPixels()) {
                return failed("image declares " + width + " x " + height + " pixels, over the limit of "
                        + limits.maxPixels() + " (decompression bomb?)", bytes, watch);
            }
            if (format.equals("webp") && (long) width * height > MAX_WEBP_PIXELS) {
                return failed("WebP image declares " + width + " x " + height + " pixels, over the limit of "
                        + MAX_WEBP_PIXELS + " for WebP, whose decoder holds the whole canvas", bytes, watch);
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = subsampling(width, height);
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            if (watch.isLate()) {
                return timedOut(bytes, watch);
            }
            BufferedImage decoded = reader.read(0, param);
            // An aborted decoder returns what it has so far; a late one may have finished: both are late.
            if (watch.isLate()) {
                return timedOut(bytes, watch);
            }
            String lost = warnings.stream().filter(ImageAnalyzer::meansPixelsLost).findFirst().orElse(null);
            if (lost != null) {
                return failed(CORRUPT + lost, bytes, watch);
            }
            grey = GreyImage.of(decoded).oriented(metadata.orientation());
        } catch (IOException | RuntimeException e) {
            // Decoders signal bad data with IIOException, EOFException and, for data they did not
            // anticipate, with runtime exceptions (index out of bounds, illegal argument...).
            return failed(CORRUPT + describe(e), bytes, watch);
        }

        long decodeMicros = watch.elapsedMicros();
        double sharpness = Sharpness.of(grey.fitWithin(SHARPNESS_LONG_SIDE));
        long hash = PerceptualHash.centre(grey);
        long wideHash = PerceptualHash.wide(grey);
        if (watch.isLate()) {
            return timedOut(bytes, watch);
        }
        boolean turned = metadata.orientation() >= 5;
        return new Analysis.Ok(format, turned ? height : width, turned ? width : height, bytes, grey.mean() / 255.0,
                sharpness, sharpness < limits.blurThreshold(), hash, wideHash, watch.elapsedMicros() / 1000, metadata.orientation(),
                metadata.capturedAt(), decodeMicros, Math.max(0, watch.elapsedMicros() - decodeMicros));
    }

    /** The first installed reader for the input whose format Mosaic supports; the others are disposed. */
    private static ImageReader supportedReader(ImageInputStream input) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.containsKey(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                return reader;
            }
            reader.dispose();
        }
        return null;
    }

    /**
     * The WebP decoder reads missing data as zeros instead of failing, so a cut file is caught by comparing
     * its length with the size its RIFF header declares.
     */
    private static String truncatedRiff(ImageInputStream input, long bytes) throws IOException {
        ByteOrder order = input.getByteOrder();
        input.mark();
        try {
            input.seek(4);
            input.setByteOrder(ByteOrder.LITTLE_ENDIAN);
            long declared = 8 + input.readUnsignedInt();
            return declared > bytes ? "file is " + bytes + " bytes but declares " + declared + " (truncated)" : null;
        } finally {
            input.setByteOrder(order);
            input.reset();
        }
    }

    /**
     * The largest whole subsampling step that keeps the decoded longer side at least {@link #DECODE_LONG_SIDE}
     * (1 for images already that small).
     */
    static int subsampling(int width, int height) {
        return Math.max(1, Math.max(width, height) / DECODE_LONG_SIDE);
    }

    private static boolean meansPixelsLost(String warning) {
        String lower = warning.toLowerCase(Locale.ROOT);
        return PIXELS_LOST.stream().anyMatch(lower::contains);
    }

    /**
     * A short message for people. Decoders often wrap the telling exception in a generic one ("I/O error
     * reading image!"), so the causes' messages are appended unless they repeat what is already said.
     */
    static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = error; t != null && parts.size() < 4; t = t.getCause()) {
            String part = t.getMessage() != null ? t.getMessage()
                    : t instanceof EOFException ? "unexpected end of data"
                    : t.getClass().getSimpleName();
            if (parts.stream().noneMatch(said -> said.contains(part))) {
                parts.add(part);
            }
        }
        return String.join(": ", parts);
    }

    private static Analysis.Failed failed(String reason, long bytes, Stopwatch watch) {
        return new Analysis.Failed(reason, bytes, watch.elapsedMicros() / 1000);
    }

    private Analysis.Failed timedOut(long bytes, Stopwatch watch) {
        return failed("analysis timed out after " + limits.timeout().toMillis() + " ms", bytes, watch);
    }

    /** When the analysis of one image started, and whether it has run past the time limit. */
    private final class Stopwatch {
        private final long startedNanos = nanoTime.getAsLong();

        long elapsedMicros() {
            return TimeUnit.NANOSECONDS.toMicros(nanoTime.getAsLong() - startedNanos);
        }

        boolean isLate() {
            return nanoTime.getAsLong() - startedNanos > limits.timeout().toNanos();
        }
    }

    /**
     * Stops a decoder that runs past the time limit. Decoders call it every few rows, on the decoding
     * thread, and check for the abort at the same points.
     */
    private static final class AbortWhenLate implements IIOReadProgressListener {
        private final Stopwatch watch;

        AbortWhenLate(Stopwatch watch) {
            this.watch = watch;
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (watch.isLate()) {
                source.abort();
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {
        }

        @Override
        public void sequenceComplete(ImageReader source) {
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
        }

        @Override
        public void imageComplete(ImageReader source) {
        }

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        }

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {
        }

        @Override
        public void thumbnailComplete(ImageReader source) {
        }

        @Override
        public void readAborted(ImageReader source) {
        }
    }
}
