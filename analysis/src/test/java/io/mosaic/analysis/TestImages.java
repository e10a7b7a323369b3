package io.mosaic.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.TexturePaint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Images for the analysis tests, generated so that no binary fixture is needed: textured scenes from a
 * seed, and the copies a photo library accumulates (blurred, resized, recompressed, brightened).
 */
final class TestImages {

    private TestImages() {
    }

    /**
     * A textured scene: a gradient sky, soft light blobs, a dozen or two hard-edged shapes, a patterned patch,
     * thin lines and a little sensor-like noise. Shapes are placed relative to the size, so the same seed at
     * another size shows the same picture; the noise is per pixel, like a camera's.
     */
    static BufferedImage scene(long seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double scale = Math.min(width, height);

        g.setPaint(new GradientPaint(
                (float) (random.nextDouble() * width), (float) (random.nextDouble() * height), color(random, 255),
                (float) (random.nextDouble() * width), (float) (random.nextDouble() * height), color(random, 255)));
        g.fillRect(0, 0, width, height);

        for (int i = 0; i < 2; i++) {
            float radius = (float) (scale * (0.2 + 0.4 * random.nextDouble()));
            g.setPaint(new RadialGradientPaint(
                    (float) (random.nextDouble() * width), (float) (random.nextDouble() * height), radius,
                    new float[] {0f, 1f}, new Color[] {color(random, 160), new Color(0, 0, 0, 0)}));
            g.fillRect(0, 0, width, height);
        }

        int shapes = 12 + random.nextInt(12);
        for (int i = 0; i < shapes; i++) {
            double x = random.nextDouble() * width;
            double y = random.nextDouble() * height;
            double w = scale * (0.05 + 0.35 * random.nextDouble());
            double h = scale * (0.05 + 0.35 * random.nextDouble());
            g.setPaint(color(random, 150 + random.nextInt(106)));
            Shape shape = switch (random.nextInt(4)) {
                case 0 -> new Rectangle2D.Double(x, y, w, h);
                case 1 -> new Ellipse2D.Double(x, y, w, h);
                case 2 -> new RoundRectangle2D.Double(x, y, w, h, w / 3, h / 3);
                default -> triangle(random, x, y, w, h);
            };
            g.fill(shape);
        }

        for (int i = 0; i < 3; i++) {
            g.setPaint(pattern(random, Math.max(2, (int) (scale / (30 + random.nextInt(60))))));
            g.fill(new Rectangle2D.Double(random.nextDouble() * width * 0.8, random.nextDouble() * height * 0.8,
                    scale * (0.1 + 0.2 * random.nextDouble()), scale * (0.1 + 0.2 * random.nextDouble())));
        }

        // A patch of short strokes, like grass or foliage: fine texture that a blur wipes out first.
        double fieldX = random.nextDouble() * width * 0.6;
        double fieldY = random.nextDouble() * height * 0.6;
        double fieldSize = scale * 0.4;
        float strokeLength = (float) (scale / 40);
        g.setStroke(new BasicStroke((float) Math.max(1, scale / 400)));
        for (int i = 0; i < 400; i++) {
            double x = fieldX + random.nextDouble() * fieldSize;
            double y = fieldY + random.nextDouble() * fieldSize;
            double angle = random.nextDouble() * Math.PI;
            g.setPaint(color(random, 200));
            g.draw(new Line2D.Double(x, y,
                    x + strokeLength * Math.cos(angle), y + strokeLength * Math.sin(angle)));
        }

        for (int i = 0; i < 8; i++) {
            g.setStroke(new BasicStroke((float) Math.max(1, scale / 200)));
            g.setPaint(color(random, 255));
            g.drawLine((int) (random.nextDouble() * width), (int) (random.nextDouble() * height),
                    (int) (random.nextDouble() * width), (int) (random.nextDouble() * height));
        }
        g.dispose();
        addNoise(image, random, 2.5);
        return image;
    }

    /**
     * A sharp picture with little texture: two to five plain shapes with hard edges on a plain or gently
     * shaded background, like a logo, a diagram or a product shot on a backdrop. Most of its pixels are flat,
     * so a focus measure that sums edge energy over the whole picture finds little, yet every edge is crisp.
     * Edges are drawn with or without antialiasing, and shapes differ from the background by at least 30 luma
     * levels (many by far more).
     */
    static BufferedImage shapes(long seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, random.nextBoolean()
                ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
        Color background = color(random, 255);
        if (random.nextBoolean()) {
            g.setColor(background);
        } else {
            g.setPaint(new GradientPaint(0, 0, background, width, height, shade(background, 20)));
        }
        g.fillRect(0, 0, width, height);
        double scale = Math.min(width, height);
        int shapes = 2 + random.nextInt(4);
        for (int i = 0; i < shapes; i++) {
            double w = scale * (0.15 + 0.45 * random.nextDouble());
            double h = scale * (0.15 + 0.45 * random.nextDouble());
            double x = random.nextDouble() * (width - w);
            double y = random.nextDouble() * (height - h);
            Color fill;
            do {
                fill = color(random, 255);
            } while (Math.abs(luma(fill) - luma(background)) < 30);
            g.setColor(fill);
            g.fill(switch (random.nextInt(4)) {
                case 0 -> new Rectangle2D.Double(x, y, w, h);
                case 1 -> new Ellipse2D.Double(x, y, w, h);
                case 2 -> new RoundRectangle2D.Double(x, y, w, h, w / 4, h / 4);
                default -> triangle(random, x, y, w, h);
            });
        }
        g.dispose();
        addNoise(image, random, 1.0);
        return image;
    }

    /**
     * Sensor-like noise added to a copy: Gaussian, the same on all three channels. A blurred photo still has
     * its sensor's noise, which a focus measure must not mistake for detail.
     */
    static BufferedImage withNoise(BufferedImage image, long seed, double sigma) {
        BufferedImage noisy = copy(image);
        addNoise(noisy, new Random(seed), sigma);
        return noisy;
    }

    /** A scene at the size most tests use. */
    static BufferedImage scene(long seed) {
        return scene(seed, 640, 480);
    }

    static BufferedImage solid(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** A single-channel image whose every stored sample is {@code level}, as a greyscale PNG or JPEG holds it. */
    static BufferedImage solidGrey(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int[] row = new int[width];
        Arrays.fill(row, level);
        for (int y = 0; y < height; y++) {
            image.getRaster().setSamples(0, y, width, 1, 0, row);
        }
        return image;
    }

    /**
     * Gaussian blur, separable, with the edges extended first: ConvolveOp alone would either leave a sharp
     * frame (EDGE_NO_OP) or a black one (EDGE_ZERO_FILL), and either would count as an edge.
     */
    static BufferedImage blur(BufferedImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] weights = new float[2 * radius + 1];
        float total = 0;
        for (int i = -radius; i <= radius; i++) {
            weights[i + radius] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
            total += weights[i + radius];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= total;
        }
        BufferedImage padded = extendEdges(rgb(image), radius);
        BufferedImage across = new ConvolveOp(new Kernel(weights.length, 1, weights), ConvolveOp.EDGE_NO_OP, null)
                .filter(padded, null);
        BufferedImage down = new ConvolveOp(new Kernel(1, weights.length, weights), ConvolveOp.EDGE_NO_OP, null)
                .filter(across, null);
        return copy(down.getSubimage(radius, radius, image.getWidth(), image.getHeight()));
    }

    /**
     * A good-quality resize, the way an image editor does it: halve with bilinear filtering until within a
     * factor of two, then one bicubic step. A single bilinear step from far away would skip pixels and alias.
     */
    static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage current = rgb(image);
        while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return draw(current, width, height, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    /** Brightness and contrast change: every channel becomes {@code value * factor + offset}, clamped. */
    static BufferedImage adjust(BufferedImage image, float factor, float offset) {
        return new RescaleOp(factor, offset, null).filter(rgb(image), null);
    }

    static BufferedImage recompressJpeg(BufferedImage image, float quality) {
        return decode(jpeg(image, quality));
    }

    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The image encoded in {@code format} (jpeg, png, gif, bmp, tiff with ImageIO; webp with {@link WebPLossless}). */
    static byte[] encode(BufferedImage image, String format) {
        if (format.equals("webp")) {
            return WebPLossless.encode(image);
        }
        if (format.equals("jpeg")) {
            return jpeg(image, 0.9f);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format + " and " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static BufferedImage decode(byte[] encoded) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
            if (image == null) {
                throw new IllegalArgumentException("not decodable");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uniform random bytes: noise that no decoder should accept. */
    static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Color color(Random random, int alpha) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), alpha);
    }

    private static double luma(Color color) {
        return 0.299 * color.getRed() + 0.587 * color.getGreen() + 0.114 * color.getBlue();
    }

    private static Color shade(Color color, int levels) {
        return new Color(clamp(color.getRed() + levels), clamp(color.getGreen() + levels), clamp(color.getBlue() + levels));
    }

    private static Polygon triangle(Random random, double x, double y, double w, double h) {
        Polygon triangle = new Polygon();
        for (int i = 0; i < 3; i++) {
            triangle.addPoint((int) (x + random.nextDouble() * w), (int) (y + random.nextDouble() * h));
        }
        return triangle;
    }

    /** Stripes or checks in two colours, the kind of fine texture fabric or brickwork gives a photo. */
    private static TexturePaint pattern(Random random, int cell) {
        BufferedImage tile = new BufferedImage(2 * cell, 2 * cell, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = tile.createGraphics();
        g.setColor(color(random, 255));
        g.fillRect(0, 0, 2 * cell, 2 * cell);
        g.setColor(color(random, 255));
        if (random.nextBoolean()) {
            g.fillRect(0, 0, cell, 2 * cell);
        } else {
            g.fillRect(0, 0, cell, cell);
            g.fillRect(cell, cell, cell, cell);
        }
        g.dispose();
        return new TexturePaint(tile, new Rectangle2D.Double(0, 0, 2 * cell, 2 * cell));
    }

    private static void addNoise(BufferedImage image, Random random, double sigma) {
        int width = image.getWidth();
        int[] row = new int[width];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int noise = (int) Math.round(random.nextGaussian() * sigma);
                int rgb = row[x];
                row[x] = clamp(((rgb >> 16) & 0xff) + noise) << 16
                        | clamp(((rgb >> 8) & 0xff) + noise) << 8
                        | clamp((rgb & 0xff) + noise);
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    private static BufferedImage extendEdges(BufferedImage image, int radius) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] source = image.getRGB(0, 0, width, height, null, 0, width);
        int paddedWidth = width + 2 * radius;
        int paddedHeight = height + 2 * radius;
        int[] padded = new int[paddedWidth * paddedHeight];
        for (int y = 0; y < paddedHeight; y++) {
            int sy = Math.max(0, Math.min(height - 1, y - radius));
            for (int x = 0; x < paddedWidth; x++) {
                int sx = Math.max(0, Math.min(width - 1, x - radius));
                padded[y * paddedWidth + x] = source[sy * width + sx];
            }
        }
        BufferedImage result = new BufferedImage(paddedWidth, paddedHeight, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, paddedWidth, paddedHeight, padded, 0, paddedWidth);
        return result;
    }

    private static BufferedImage draw(BufferedImage image, int width, int height, Object interpolation) {
        BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = result.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return result;
    }

    /** The image as TYPE_INT_RGB, copying only if it is of another type. */
    private static BufferedImage rgb(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_INT_RGB ? image : copy(image);
    }

    /** A copy as TYPE_INT_RGB, to draw on without touching the original. */
    static BufferedImage copy(BufferedImage image) {
        BufferedImage result = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = result.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return result;
    }

    /** Rec. 601 luma of the RGB channels, straight from the pixels, as a reference for the analyzer. */
    static double meanLuma(BufferedImage image) {
        double sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sum += 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
            }
        }
        return sum / (255.0 * image.getWidth() * image.getHeight());
    }
}
