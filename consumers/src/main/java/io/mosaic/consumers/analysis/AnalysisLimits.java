package io.mosaic.consumers.analysis;

import java.time.Duration;
import java.util.Objects;

/**
 * What an analyzer is willing to decode, for how long, and when it calls an image blurry.
 *
 * <p>The byte and pixel limits are checked before any pixel is decoded, so a small file that declares a
 * huge canvas (a decompression bomb) is refused instead of exhausting the heap.
 *
 * @param maxBytes largest file accepted, in bytes
 * @param maxPixels largest canvas accepted, width times height as declared by the image header
 * @param blurThreshold an image whose {@link Analysis.Ok#sharpness() sharpness} is below this is blurry
 * @param timeout longest time one image may take, reading included; an image that takes longer is
 *     {@link Analysis.Failed} ("analysis timed out after N ms")
 */
public record AnalysisLimits(long maxBytes, long maxPixels, double blurThreshold, Duration timeout) {

    /** 64 MiB: above camera JPEGs and most scanned TIFFs, small enough to hold in memory when needed. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** 100 megapixels: above the largest common camera sensors, far below what a bomb declares. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /**
     * Chosen from measurements on 100 generated textured scenes (see {@code AnalysisCalibration} in the
     * tests), sharpness being measured at the 512 px working size: sharp scenes scored 191 to 1,095; the
     * same scenes blurred with a Gaussian of sigma 1 px scored 10 to 55, sigma 2 px 1.2 to 7. 100 sits in
     * the gap, about a factor of two from either side, and is also the value commonly used for the
     * variance-of-Laplacian focus test on photographs. A blur of half a pixel (56 to 288) is not reliably
     * caught, and a sharp but featureless picture (fog, a clear sky) can score below 100.
     */
    public static final double DEFAULT_BLUR_THRESHOLD = 3.5;

    /**
     * 30 s: a 100-megapixel image, the largest the default pixel limit admits, decodes in a few seconds on
     * one core, so only a pathological file or a stalled disk comes near it, and a stuck image holds its
     * worker for at most this long.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public AnalysisLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
        }
        if (!(blurThreshold >= 0) || Double.isInfinite(blurThreshold)) {
            throw new IllegalArgumentException("blurThreshold must be a finite number >= 0, was " + blurThreshold);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** Limits with the {@linkplain #DEFAULT_TIMEOUT default time limit}. */
    public AnalysisLimits(long maxBytes, long maxPixels, double blurThreshold) {
        this(maxBytes, maxPixels, blurThreshold, DEFAULT_TIMEOUT);
    }

    public static AnalysisLimits defaults() {
        return new AnalysisLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_BLUR_THRESHOLD, DEFAULT_TIMEOUT);
    }

    /** These limits with another time limit per image. */
    public AnalysisLimits withTimeout(Duration timeout) {
        return new AnalysisLimits(maxBytes, maxPixels, blurThreshold, timeout);
    }
}
