package io.mosaic.consumers.analysis;

/**
 * Focus measure: the variance of the Laplacian. The Laplacian responds to edges and fine texture; a blurred
 * image has few strong responses, so their variance is low.
 */
final class Sharpness {

    private Sharpness() {
    }

    /**
     * Variance of the 3x3 Laplacian (0,1,0; 1,-4,1; 0,1,0) over every pixel of the plane. Borders repeat the
     * edge pixel, so a frame around the image does not count as an edge.
     */
    static double laplacianVariance(GreyImage image) {
        int width = image.width;
        int height = image.height;
        float[] luma = image.luma;
        double sum = 0;
        double sumOfSquares = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            int above = Math.max(0, y - 1) * width;
            int below = Math.min(height - 1, y + 1) * width;
            for (int x = 0; x < width; x++) {
                int left = Math.max(0, x - 1);
                int right = Math.min(width - 1, x + 1);
                double response = luma[above + x] + luma[below + x] + luma[row + left] + luma[row + right]
                        - 4.0 * luma[row + x];
                sum += response;
                sumOfSquares += response * response;
            }
        }
        double count = (double) width * height;
        double mean = sum / count;
        return Math.max(0, sumOfSquares / count - mean * mean);
    }
}
