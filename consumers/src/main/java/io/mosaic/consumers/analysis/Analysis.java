package io.mosaic.consumers.analysis;

/** The outcome of analysing one image: measurements, or a readable reason why there are none. */
public sealed interface Analysis permits Analysis.Ok, Analysis.Failed {

    /** How long the analysis took, reading included. */
    long durationMs();

    /** Size of the input in bytes (0 when the file could not even be inspected). */
    long bytes();

    /**
     * A decoded image and what was measured on it.
     *
     * @param format lower-case format name: jpeg, png, gif, bmp, tiff or webp
     * @param width width in pixels as stored in the file
     * @param height height in pixels as stored in the file
     * @param bytes size of the encoded image
     * @param meanLuma mean Rec. 601 luma of the RGB channels, 0 (black) to 1 (white); alpha is ignored
     * @param sharpness variance of the 3x3 Laplacian of the luma (0..255 scale), measured on a copy whose
     *     longer side is at most {@value ImageAnalyzer#SHARPNESS_LONG_SIDE} px, so resized copies of one
     *     image score alike (smaller images are measured as they are, and score higher)
     * @param blurry {@code sharpness} is below the configured threshold
     * @param perceptualHash 64-bit DCT perceptual hash; compare two with {@link PerceptualHash#distance}
     * @param durationMs time spent on this image
     */
    record Ok(String format, int width, int height, long bytes, double meanLuma, double sharpness,
              boolean blurry, long perceptualHash, long durationMs) implements Analysis {
    }

    /**
     * An input that could not be analysed.
     *
     * @param reason what was wrong, for people: "empty file", "not a recognised image format", ...
     * @param bytes size of the input in bytes, 0 if unknown
     * @param durationMs time spent before giving up
     */
    record Failed(String reason, long bytes, long durationMs) implements Analysis {
    }
}
