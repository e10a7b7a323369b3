package io.mosaic.analysis;

import java.util.Objects;

/**
 * What the aggregator keeps of one successfully analysed image until its job completes: enough
 * to group the near-duplicates.
 *
 * @param uri the image
 * @param hash 64-bit perceptual hash of the image's centre ({@link PerceptualHash#centre});
 *     meaningless when {@code hasHash} is false
 * @param wideHash the same of its wider centre ({@link PerceptualHash#wide}); results from before
 *     there was one carry their only hash in both
 * @param hasHash whether the result carried a hash (an OK result should; one without is kept but
 *     left out of near-duplicate grouping)
 * @param blurry the analyzer's blurry flag; kept in the stored format, though blurry images are
 *     now listed by the report writer from the results
 */
public record HashedImage(String uri, long hash, long wideHash, boolean hasHash, boolean blurry) {

    public HashedImage {
        Objects.requireNonNull(uri, "uri");
        if (!hasHash) {
            hash = 0L;
            wideHash = 0L;
        }
    }

    /** An image with one hash standing for both (a result from before the wide hash, or a test of one hash). */
    public static HashedImage withHash(String uri, long hash, boolean blurry) {
        return new HashedImage(uri, hash, hash, true, blurry);
    }

    public static HashedImage withHashes(String uri, long hash, long wideHash, boolean blurry) {
        return new HashedImage(uri, hash, wideHash, true, blurry);
    }

    public static HashedImage withoutHash(String uri, boolean blurry) {
        return new HashedImage(uri, 0L, 0L, false, blurry);
    }
}
