package io.mosaic.analysis;

/** The outcome of analysing one image: measurements, or a readable reason why there are none. */
public sealed interface Analysis permits Analysis.Ok, Analysis.Failed {

    /** How long the analysis took, reading included. */
    long durationMs();

    /** Size of the input in bytes (0 when the file could not even be inspected). */
    long bytes();

    /**
     * A decoded image and what was measured on it. Everything is measured on the image as it is meant to be
     * shown, that is with its EXIF orientation applied.
     *
     * @param format lower-case format name: jpeg, png, gif, bmp, tiff or webp
     * @param width width in pixels as shown (the stored height when the EXIF orientation turns the image a
     *     quarter turn)
     * @param height height in pixels as shown
     * @param bytes size of the encoded image
     * @param meanLuma mean Rec. 601 luma of the RGB channels, 0 (black) to 1 (white); alpha is ignored
     * @param sharpness how crisp the image's edges are: the ratio of its gradient energy to that of a copy
     *     smoothed by a 3 px Gaussian, weighted towards edges (see {@link Sharpness}), measured on a copy whose
     *     longer side is at most {@value ImageAnalyzer#SHARPNESS_LONG_SIDE} px: about 7 for perfectly crisp
     *     edges, 3.7 for edges blurred by 1 px, 2.1 by 2 px, towards 1 as the blur grows; 0 when the image
     *     has no edge at all. Fine texture scores higher than any single edge
     * @param blurry {@code sharpness} is below the configured threshold
     * @param perceptualHash 64-bit DCT perceptual hash of the image's centre ({@link PerceptualHash#centre})
     * @param wideHash the same of a wider centre ({@link PerceptualHash#wide}); compare two images with
     *     {@link PerceptualHash#nearDuplicates}
     * @param durationMs time spent on this image
     * @param orientation the EXIF orientation that was applied, 1 (as stored) to 8; 1 when the file has none
     * @param capturedAt when the picture was taken according to its EXIF DateTimeOriginal, as ISO-8601
     *     ({@code 2024-05-17T14:03:22}, with the UTC offset appended when the file records it); null when
     *     the file does not say
     * @param decodeMicros of {@code durationMs}, the part spent reading the header and decoding the pixels, in microseconds
     * @param analysisMicros of {@code durationMs}, the part spent measuring the decoded pixels, in microseconds
     */
    record Ok(String format, int width, int height, long bytes, double meanLuma, double sharpness,
              boolean blurry, long perceptualHash, long wideHash, long durationMs, int orientation, String capturedAt,
              long decodeMicros, long analysisMicros)
            implements Analysis {
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
