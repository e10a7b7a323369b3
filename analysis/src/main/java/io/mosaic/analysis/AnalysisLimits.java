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
     * The middle (geometric mean) of the measured gap between sharp and heavily blurred images. On the
     * labelled sets of {@code AnalysisAccuracy} in the tests (2,580 images, longer side 160 to 2,400 px, six
     * formats), the lowest-scoring sharp image scored 4.7 (a picture of two plain shapes whose edges, 5 px
     * apart, step the same way and so read partly as one soft ramp) and the highest-scoring heavily blurred
     * one (Gaussian blur of 2 to 4.5 px at the working size) 3.9 (a noisy GIF, whose palette adds false
     * contours). On the scenes of {@code AnalysisCalibration}, at the 512 px working size: sharp textured
     * scenes scored 6.9 to 17.6, sharp pictures with little texture 5.6 to 8.3; blurred by 1 px 3.9 to 8.2
     * (pictures with little texture 3.5 to 4.1), by 1.5 px 2.8 to 6.2 (95% under 4.7), by 2 px 95% from 2.2
     * to 3.2 and at most 4.9 (a scene full of fine checks), by 3 px 1.6 to 3.0. So a blur of 2 px or more
     * at the working size is caught, of 1.5 px mostly, of half a pixel not.
     */
    public static final double DEFAULT_BLUR_THRESHOLD = 4.2;

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
