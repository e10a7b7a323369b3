package io.mosaic.analysis;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The DCT perceptual hash ("pHash"): 64 bits that describe the coarse structure of an image, so that
 * resized, recompressed or slightly retouched copies of one picture get hashes a few bits apart while
 * different pictures differ in about half of their bits.
 *
 * <p>Steps: luma; shrink to 32 x 32 by area averaging (a plain subsample would alias, and copies at
 * different sizes would alias differently); 2-D DCT-II; keep the 8 x 8 lowest frequencies; set a bit for
 * every coefficient above the median of the 63 non-DC coefficients. The DC term is left out of the median
 * because it is the overall brightness and dwarfs the others; its own bit is therefore almost always 1.
 * Bits are taken row by row from the top-left coefficient, which lands in the most significant bit.
 *
 * <p>Brightness and contrast changes leave the hash (nearly) unchanged; so does a change of aspect ratio,
 * because both axes are squeezed to 32. Mirror images and quarter turns get unrelated hashes.
 *
 * <p>Mosaic hashes two parts of every image, its {@link #centre} and a {@link #wide wider centre}, and
 * compares both ({@link #nearDuplicates}).
 */
public final class PerceptualHash {

    /**
     * Recommended largest {@link #distance} at which the hashes of two images count as near-duplicates:
     * see {@link #nearDuplicates}. Measured on real photographs ({@code RealPhotoAccuracy} in the tests: the
     * 16 photographs scikit-image ships, each resized, recompressed, brightened, cropped 5% a side, rotated
     * 2 degrees either way, stamped with a corner mark and blurred) and on the generated sets of
     * {@code AnalysisAccuracy}: see the README's accuracy table.
     *
     * <p>Hashes of the whole image at 10 bits (the rule before) found only 70% of the real pairs: a crop
     * or a corner mark moves the hash of the whole picture by 12 to 20 bits, and two plain textures with
     * the same mark fell within 4 bits of each other. Hashes of the centre leave the edges, where crops,
     * marks and the corners of a rotation are, out.
     */
    public static final int NEAR_DUPLICATE_DISTANCE = 12;

    /** The centre hash leaves out an eighth of the width on the left and on the right, and of the height at the top and the bottom. */
    public static final int CENTRE_MARGIN = 8;
    /** The wide hash leaves out a twelfth on each side. */
    public static final int WIDE_MARGIN = 12;

    private static final int SIZE = 32;
    private static final int KEPT = 8;

    /**
     * Coefficients whose magnitude is below this (on a 0..255 luma scale, where real structure gives
     * coefficients in the tens to thousands) are rounding noise from resampling: flattening them to zero
     * keeps the hash of a flat image the same at every size instead of a pattern of noise.
     */
    private static final double NOISE = 1e-3;

    /** Orthonormal DCT-II basis, {@code BASIS[u][x]}, for the frequencies that are kept. */
    private static final double[][] BASIS = basis();

    private PerceptualHash() {
    }

    /** The hash of the whole image. */
    public static long of(BufferedImage image) {
        return of(GreyImage.of(image));
    }

    /** The hash of the image's centre: all but {@link #CENTRE_MARGIN an eighth} on each side. */
    public static long centre(BufferedImage image) {
        return centre(GreyImage.of(image));
    }

    static long centre(GreyImage grey) {
        return of(grey.inner(CENTRE_MARGIN));
    }

    /** The hash of the image's wider centre: all but {@link #WIDE_MARGIN a twelfth} on each side. */
    public static long wide(BufferedImage image) {
        return wide(GreyImage.of(image));
    }

    static long wide(GreyImage grey) {
        return of(grey.inner(WIDE_MARGIN));
    }

    /**
     * Whether two images are near-duplicates by their centre and wide hashes: one of the two pairs of
     * hashes is {@link #within} {@code maxDistance} bits, and both together within {@link
     * #totalDistance}. Two crops of different width: a crop, a corner mark or the corners of a small
     * rotation move the one or the other less, while two different pictures rarely come close in both.
     */
    public static boolean nearDuplicates(long centreA, long wideA, long centreB, long wideB, int maxDistance) {
        if (maxDistance >= Long.SIZE) {
            return true;
        }
        return distance(centreA, centreB) + distance(wideA, wideB) <= totalDistance(maxDistance)
                && (within(centreA, centreB, maxDistance) || within(wideA, wideB, maxDistance));
    }

    /**
     * Whether two hashes are at most {@code maxDistance} bits apart and, beyond 11 bits, also have a
     * quarter (16 bits) in which they differ in at most {@link #quarterRadius 2}. Up to 11 bits the
     * second holds by itself (12 differences or more are needed to put 3 in every quarter); beyond,
     * it keeps the search for near-duplicates cheap (a quarter's neighbours within 2 bits are 137
     * values, within 3 bits 697) while leaving out only differences spread evenly over the hash.
     */
    public static boolean within(long a, long b, int maxDistance) {
        long differences = a ^ b;
        if (Long.bitCount(differences) > maxDistance) {
            return false;
        }
        int radius = quarterRadius(maxDistance);
        for (int quarter = 0; quarter < 4; quarter++) {
            if (Long.bitCount((differences >>> (16 * quarter)) & 0xFFFF) <= radius) {
                return true;
            }
        }
        return false;
    }

    /** How many bits at most a quarter of two hashes {@link #within} {@code maxDistance} of each other must differ in. */
    public static int quarterRadius(int maxDistance) {
        return Math.min(maxDistance / 4, 2);
    }

    /** How far apart the centre and wide hashes of near-duplicates may be together: two and a half times {@code maxDistance}. */
    public static int totalDistance(int maxDistance) {
        return maxDistance * 5 / 2;
    }

    /** Hamming distance: the number of bits in which two hashes differ, 0 to 64. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    static long of(GreyImage image) {
        float[] pixels = image.scaledTo(SIZE, SIZE).luma;

        double[][] rows = new double[SIZE][KEPT];
        for (int y = 0; y < SIZE; y++) {
            for (int v = 0; v < KEPT; v++) {
                double sum = 0;
                for (int x = 0; x < SIZE; x++) {
                    sum += BASIS[v][x] * pixels[y * SIZE + x];
                }
                rows[y][v] = sum;
            }
        }
        double[] coefficients = new double[KEPT * KEPT];
        for (int u = 0; u < KEPT; u++) {
            for (int v = 0; v < KEPT; v++) {
                double sum = 0;
                for (int y = 0; y < SIZE; y++) {
                    sum += BASIS[u][y] * rows[y][v];
                }
                coefficients[u * KEPT + v] = Math.abs(sum) < NOISE ? 0 : sum;
            }
        }

        double[] withoutDc = Arrays.copyOfRange(coefficients, 1, coefficients.length);
        Arrays.sort(withoutDc);
        double median = withoutDc[withoutDc.length / 2];

        long hash = 0;
        for (double coefficient : coefficients) {
            hash = (hash << 1) | (coefficient > median ? 1 : 0);
        }
        return hash;
    }

    private static double[][] basis() {
        double[][] basis = new double[KEPT][SIZE];
        for (int u = 0; u < KEPT; u++) {
            double scale = Math.sqrt((u == 0 ? 1.0 : 2.0) / SIZE);
            for (int x = 0; x < SIZE; x++) {
                basis[u][x] = scale * Math.cos((2 * x + 1) * u * Math.PI / (2 * SIZE));
            }
        }
        return basis;
    }
}
