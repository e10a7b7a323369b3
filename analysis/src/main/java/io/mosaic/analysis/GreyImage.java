package io.mosaic.analysis;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * The luma plane every measurement works on: Rec. 601 luma of the RGB channels, 0..255, one float per pixel.
 * Immutable by convention: nothing in this package writes to {@link #luma} after construction.
 */
final class GreyImage {

    final int width;
    final int height;
    /** Row-major, {@code luma[y * width + x]}. */
    final float[] luma;

    GreyImage(int width, int height, float[] luma) {
        if (width <= 0 || height <= 0 || luma.length != (long) width * height) {
            throw new IllegalArgumentException(
                    "bad plane " + width + " x " + height + " for " + luma.length + " samples");
        }
        this.width = width;
        this.height = height;
        this.luma = luma;
    }

    /** Luma of every pixel; alpha is ignored, as if the image were not composited on anything. */
    static GreyImage of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] luma = new float[width * height];
        if (isStoredGrey(image.getColorModel(), image.getRaster())) {
            copyGreySamples(image.getRaster(), image.getColorModel().getComponentSize(0), luma);
        } else {
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                int offset = y * width;
                for (int x = 0; x < width; x++) {
                    int rgb = row[x];
                    luma[offset + x] = (float) (0.299 * ((rgb >> 16) & 0xff)
                            + 0.587 * ((rgb >> 8) & 0xff)
                            + 0.114 * (rgb & 0xff));
                }
            }
        }
        return new GreyImage(width, height, luma);
    }

    /**
     * Grey images (greyscale PNG, JPEG, TIFF) are read from their samples directly: Java2D labels them with
     * a linear grey colour space, so {@code getRGB} would push every value through a gamma curve and report
     * a stored 128 as about 186.
     */
    private static boolean isStoredGrey(ColorModel model, Raster raster) {
        int type = raster.getTransferType();
        return model instanceof ComponentColorModel
                && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT);
    }

    private static void copyGreySamples(Raster raster, int bits, float[] luma) {
        int width = raster.getWidth();
        float scale = 255f / ((1 << bits) - 1);
        int[] row = new int[width];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            int offset = y * width;
            for (int x = 0; x < width; x++) {
                luma[offset + x] = row[x] * scale;
            }
        }
    }

    /**
     * The plane as it is meant to be shown, given an EXIF orientation (1 to 8; anything else is taken as 1):
     * 2 mirrors it left to right, 3 turns it half a turn, 4 mirrors it top to bottom, 5 mirrors it across
     * the top-left to bottom-right diagonal, 6 turns it a quarter turn clockwise, 7 mirrors it across the
     * other diagonal, 8 turns it a quarter turn anticlockwise. 5 to 8 swap width and height.
     */
    GreyImage oriented(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        boolean swapped = orientation >= 5;
        int shownWidth = swapped ? height : width;
        int shownHeight = swapped ? width : height;
        float[] shown = new float[luma.length];
        for (int y = 0; y < shownHeight; y++) {
            for (int x = 0; x < shownWidth; x++) {
                // The stored pixel that lands at (x, y) once shown.
                int storedX;
                int storedY;
                switch (orientation) {
                    case 2 -> { storedX = width - 1 - x; storedY = y; }
                    case 3 -> { storedX = width - 1 - x; storedY = height - 1 - y; }
                    case 4 -> { storedX = x; storedY = height - 1 - y; }
                    case 5 -> { storedX = y; storedY = x; }
                    case 6 -> { storedX = y; storedY = height - 1 - x; }
                    case 7 -> { storedX = width - 1 - y; storedY = height - 1 - x; }
                    default -> { storedX = width - 1 - y; storedY = x; }
                }
                shown[y * shownWidth + x] = luma[storedY * width + storedX];
            }
        }
        return new GreyImage(shownWidth, shownHeight, shown);
    }

    /**
     * The part left when {@code 1/divisor} of the width is cut from the left and from the right, and as
     * much of the height from the top and the bottom (never less than one pixel a side is kept).
     */
    GreyImage inner(int divisor) {
        int dx = width / divisor;
        int dy = height / divisor;
        int innerWidth = width - 2 * dx;
        int innerHeight = height - 2 * dy;
        if (dx == 0 && dy == 0) {
            return this;
        }
        float[] kept = new float[innerWidth * innerHeight];
        for (int y = 0; y < innerHeight; y++) {
            System.arraycopy(luma, (y + dy) * width + dx, kept, y * innerWidth, innerWidth);
        }
        return new GreyImage(innerWidth, innerHeight, kept);
    }

    /** Mean luma, 0..255. */
    double mean() {
        double sum = 0;
        for (float value : luma) {
            sum += value;
        }
        return sum / luma.length;
    }

    /**
     * A copy whose longer side is at most {@code longSide}, aspect ratio kept. Never enlarges: enlarging
     * adds no detail, it only makes a sharp image look soft.
     */
    GreyImage fitWithin(int longSide) {
        int longer = Math.max(width, height);
        if (longer <= longSide) {
            return this;
        }
        double scale = (double) longSide / longer;
        return scaledTo(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    /**
     * Resamples by area averaging: every target pixel is the mean of the source area it covers, partial
     * pixels weighted by the part covered. That is the ideal box filter for shrinking, so copies of one
     * image at different sizes shrink to nearly the same pixels; enlarging degenerates to nearest-neighbour.
     */
    GreyImage scaledTo(int targetWidth, int targetHeight) {
        if (targetWidth == width && targetHeight == height) {
            return this;
        }
        Footprints columns = Footprints.of(width, targetWidth);
        Footprints rows = Footprints.of(height, targetHeight);

        float[] narrowed = new float[targetWidth * height];
        for (int y = 0; y < height; y++) {
            int in = y * width;
            int out = y * targetWidth;
            for (int x = 0; x < targetWidth; x++) {
                float[] weights = columns.weights[x];
                int first = in + columns.first[x];
                float sum = 0;
                for (int k = 0; k < weights.length; k++) {
                    sum += luma[first + k] * weights[k];
                }
                narrowed[out + x] = sum;
            }
        }

        float[] result = new float[targetWidth * targetHeight];
        for (int y = 0; y < targetHeight; y++) {
            float[] weights = rows.weights[y];
            int out = y * targetWidth;
            for (int k = 0; k < weights.length; k++) {
                int in = (rows.first[y] + k) * targetWidth;
                float weight = weights[k];
                for (int x = 0; x < targetWidth; x++) {
                    result[out + x] += narrowed[in + x] * weight;
                }
            }
        }
        return new GreyImage(targetWidth, targetHeight, result);
    }

    /** For each target index along one axis: the first source index it covers and the normalised weights. */
    private record Footprints(int[] first, float[][] weights) {

        static Footprints of(int sourceLength, int targetLength) {
            double step = (double) sourceLength / targetLength;
            int[] first = new int[targetLength];
            float[][] weights = new float[targetLength][];
            for (int i = 0; i < targetLength; i++) {
                double start = i * step;
                double end = Math.min(sourceLength, (i + 1) * step);
                int from = (int) Math.floor(start);
                int to = Math.min(sourceLength, (int) Math.ceil(end));
                float[] w = new float[Math.max(1, to - from)];
                for (int j = from; j < from + w.length; j++) {
                    double covered = Math.min(end, j + 1) - Math.max(start, j);
                    w[j - from] = (float) (Math.max(0, covered) / (end - start));
                }
                first[i] = from;
                weights[i] = w;
            }
            return new Footprints(first, weights);
        }
    }
}
