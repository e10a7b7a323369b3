package io.mosaic.analysis;

import java.util.Objects;

/**
 * What the aggregator keeps of one successfully analysed image until its job completes: enough
 * to group the near-duplicates.
 *
 * @param uri the image
 * @param hash 64-bit perceptual hash; meaningless when {@code hasHash} is false
 * @param hasHash whether the result carried a hash (an OK result should; one without is kept but
 *     left out of near-duplicate grouping)
 * @param blurry the analyzer's blurry flag; kept in the stored format, though blurry images are
 *     now listed by the report writer from the results
 */
public record HashedImage(String uri, long hash, boolean hasHash, boolean blurry) {

    public HashedImage {
        Objects.requireNonNull(uri, "uri");
        if (!hasHash) {
            hash = 0L;
        }
    }

    public static HashedImage withHash(String uri, long hash, boolean blurry) {
        return new HashedImage(uri, hash, true, blurry);
    }

    public static HashedImage withoutHash(String uri, boolean blurry) {
        return new HashedImage(uri, 0L, false, blurry);
    }
}
