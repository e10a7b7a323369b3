package io.mosaic.analysis;

/**
 * Focus measure: how much of the energy of an image's edges lives at the finest scale.
 *
 * <p>The gradient energy of the picture is compared with that of a copy smoothed by a Gaussian of
 * {@value #COARSE_SIGMA} px, pixel by pixel, each pixel weighted by the smoothed copy's gradient energy:
 * {@code sum(|grad I|² |grad S|²) / sum(|grad S|⁴)}, where {@code S} is the smoothed copy. A crisp edge loses
 * most of its gradient energy to the smoothing, a blurred one little. For a straight edge blurred by a
 * Gaussian of sigma {@code b} the ratio is {@code √2 (b² + 9) / (b √(2b² + 9))}, less a little for sharp
 * edges, which pixels sample coarsely: measured, 7.4 for a perfect step, 3.7 at {@code b} = 1 px, 2.1 at
 * 2 px, 1.6 at 3 px.
 *
 * <p>Weighting by the smoothed gradient makes the ratio the same for every edge whatever its contrast (both
 * sums scale with the fourth power of it), so it does not depend on how many edges there are or how strong
 * they are, as the variance of the Laplacian does: a plain logo on a white page, with a few crisp edges and
 * nothing else, is as sharp as a photo of foliage. The weight also keeps what is not an edge out of the
 * measure: sensor noise and gentle shading have a small smoothed gradient, so they count little, and noise
 * cannot make a blurred photo look sharp. An image whose smoothed gradient nowhere reaches
 * {@value #EDGE_FLOOR} level per pixel has no edge at all (a fog, a clear sky, a picture blurred beyond
 * recognition) and scores 0.
 *
 * <p>Fine regular patterns (checks, stripes a few pixels wide) are the weak spot: smoothing removes them
 * entirely even when they are blurred, so a blurred picture full of them scores higher than its edges alone
 * would.
 */
final class Sharpness {

    /** The smoothing that edges are compared with, in pixels. */
    static final double COARSE_SIGMA = 3.0;

    /**
     * Least gradient of the smoothed copy, in luma levels (0..255) per pixel, for the image to have an edge
     * at all. Sensor noise stays far below it after smoothing (noise of 2.5 levels: 0.07 on average, 0.34 at
     * most over 512 x 512 pixels); a crisp edge between surfaces 8 levels apart reaches it.
     */
    static final double EDGE_FLOOR = 1.0;

    private Sharpness() {
    }

    /** The weighted ratio of fine to smoothed gradient energy; 0 when the image has no edge. */
    static double of(GreyImage image) {
        int width = image.width;
        int height = image.height;
        float[] fine = image.luma;
        float[] coarse = gaussian(image, COARSE_SIGMA);
        double weighted = 0;
        double normaliser = 0;
        double strongest = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double weight = gradientSquared(coarse, width, height, x, y);
                if (weight > 0) {
                    weighted += gradientSquared(fine, width, height, x, y) * weight;
                    normaliser += weight * weight;
                    strongest = Math.max(strongest, weight);
                }
            }
        }
        return strongest < EDGE_FLOOR * EDGE_FLOOR ? 0 : weighted / normaliser;
    }

    /**
     * Squared magnitude of the central-difference gradient. Central differences ignore the pixel-to-pixel
     * alternation of noise and dithering, which a one-sided difference would count as fine detail. Borders
     * repeat the edge pixel.
     */
    private static double gradientSquared(float[] plane, int width, int height, int x, int y) {
        int row = y * width;
        double dx = (plane[row + Math.min(width - 1, x + 1)] - plane[row + Math.max(0, x - 1)]) / 2.0;
        double dy = (plane[Math.min(height - 1, y + 1) * width + x] - plane[Math.max(0, y - 1) * width + x]) / 2.0;
        return dx * dx + dy * dy;
    }

    /** Separable Gaussian blur; borders repeat the edge pixel, so the frame of the image is not an edge. */
    static float[] gaussian(GreyImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] weights = new float[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++) {
            total += weights[i + radius] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= (float) total;
        }
        int width = image.width;
        int height = image.height;
        float[] source = image.luma;
        float[] across = new float[source.length];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                float sum = 0;
                for (int i = -radius; i <= radius; i++) {
                    sum += weights[i + radius] * source[row + Math.max(0, Math.min(width - 1, x + i))];
                }
                across[row + x] = sum;
            }
        }
        float[] result = new float[source.length];
        for (int y = 0; y < height; y++) {
            for (int i = -radius; i <= radius; i++) {
                int from = Math.max(0, Math.min(height - 1, y + i)) * width;
                float weight = weights[i + radius];
                int to = y * width;
                for (int x = 0; x < width; x++) {
                    result[to + x] += weight * across[from + x];
                }
            }
        }
        return result;
    }
}
