package io.mosaic.analysis;

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
     * The score of an edge blurred by a Gaussian of 1 px at the working size: an image is blurry when its
     * edges are softer than that. Real photographs decided it ({@code RealPhotoAccuracy} in the tests): a
     * 2-degree rotation (bilinear) or a JPEG at quality 20 softens a photo by less than a pixel and scored
     * 3.8 to 4.1 on a soft original (the moon), which 4.2, the value before, called blurry; their
     * copies blurred by 4 px scored at most 2.8. On the labelled sets of {@code AnalysisAccuracy} (longer
     * side 160 to 2,400 px, six formats), sharp images scored at least 4.7 (a picture of two plain shapes
     * whose edges, 5 px apart, step the same way and so read partly as one soft ramp); heavily blurred
     * ones (2 to 4.5 px at the working size) mostly under 3, but noise on a blurred GIF, whose palette
     * adds false contours, lifted 3 of 600 to 3.9-4.6, which are missed. On the scenes of {@code
     * AnalysisCalibration}, at the 512 px working size: blurred by 1.5 px 2.8 to 6.2, by 2 px 95% from
     * 2.2 to 3.2 and at most 4.9 (a scene full of fine checks), by 3 px 1.6 to 3.0. So a blur of 2 px or
     * more at the working size is caught, of 1.5 px often, of a pixel or less not.
     */
    public static final double DEFAULT_BLUR_THRESHOLD = 3.7;

    /**
     * 10 s. On one core a 24-megapixel photo is analysed in about 0.1 s as JPEG and 0.4 s as PNG, a
     * 96-megapixel JPEG in 0.6 to 1.8 s, so only a pathological file or a stalled disk comes near the limit.
     * Kept short because a worker takes up to 20 tasks per poll: 20 images that all run out of time still
     * finish well inside Kafka's default max.poll.interval.ms of 5 minutes, so a batch of such files cannot
     * get the worker thrown out of its group and the batch handed round again and again.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

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
