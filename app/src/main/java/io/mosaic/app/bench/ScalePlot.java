package io.mosaic.app.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The scale lines as a picture: throughput (pipeline and direct) and peak heap of each process
 * against job size, on a logarithmic size axis. Two panels side by side, drawn with Java2D.
 */
final class ScalePlot {

    private static final int PANEL = 520;
    private static final int HEIGHT = 380;
    private static final int MARGIN = 60;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b)};

    private ScalePlot() {
    }

    /** Draws the sizes run on the first deployment (the others have other processes). */
    static void write(List<ScaleBench.Size> all, Path file) throws IOException {
        List<ScaleBench.Size> sizes = all.stream().filter(s -> s.deployment().equals(all.get(0).deployment())).toList();
        BufferedImage image = new BufferedImage(2 * PANEL, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        Map<String, ToDoubleFunction<ScaleBench.Size>> rates = new LinkedHashMap<>();
        rates.put("pipeline", ScaleBench.Size::imagesPerSecond);
        rates.put("ImageAnalyzer direct", ScaleBench.Size::directPerSecond);
        panel(g, 0, "images/s against job size", sizes, rates);
        Map<String, ToDoubleFunction<ScaleBench.Size>> heaps = new LinkedHashMap<>();
        for (int p = 0; p < sizes.get(0).processes().size(); p++) {
            int index = p;
            heaps.put(sizes.get(0).processes().get(p).name(), s -> s.processes().get(index).peakHeapMiB());
        }
        panel(g, PANEL, "peak heap (MiB) against job size", sizes, heaps);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int left, String title, List<ScaleBench.Size> sizes,
                              Map<String, ToDoubleFunction<ScaleBench.Size>> series) {
        double minX = Math.log10(sizes.get(0).images());
        double maxX = Math.max(minX + 1, Math.log10(sizes.get(sizes.size() - 1).images()));
        double maxY = 0;
        for (ToDoubleFunction<ScaleBench.Size> f : series.values()) {
            for (ScaleBench.Size s : sizes) {
                double v = f.applyAsDouble(s);
                if (Double.isFinite(v)) {
                    maxY = Math.max(maxY, v);
                }
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.15;
        int x0 = left + MARGIN;
        int x1 = left + PANEL - 20;
        int y0 = HEIGHT - MARGIN;
        int y1 = 40;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(x0, y0, x1, y0);
        g.drawLine(x0, y0, x0, y1);
        for (ScaleBench.Size s : sizes) {
            int x = x(Math.log10(s.images()), minX, maxX, x0, x1);
            g.drawLine(x, y0, x, y0 + 4);
            g.drawString(String.format(Locale.ROOT, "%,d", s.images()), x - 18, y0 + 18);
        }
        for (int tick = 0; tick <= 4; tick++) {
            double value = maxY * tick / 4;
            int y = y(value, maxY, y0, y1);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + 1, y, x1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", value), left + 6, y + 4);
        }
        g.drawString("images in the job (log scale)", x0 + (x1 - x0) / 2 - 70, HEIGHT - 12);
        int colour = 0;
        int legend = y1 + 4;
        for (Map.Entry<String, ToDoubleFunction<ScaleBench.Size>> s : series.entrySet()) {
            g.setColor(COLOURS[colour++ % COLOURS.length]);
            g.setStroke(new BasicStroke(2f));
            List<int[]> points = new ArrayList<>();
            for (ScaleBench.Size size : sizes) {
                double v = s.getValue().applyAsDouble(size);
                if (Double.isFinite(v)) {
                    points.add(new int[] {x(Math.log10(size.images()), minX, maxX, x0, x1), y(v, maxY, y0, y1)});
                }
            }
            for (int i = 0; i < points.size(); i++) {
                g.fillOval(points.get(i)[0] - 3, points.get(i)[1] - 3, 7, 7);
                if (i > 0) {
                    g.drawLine(points.get(i - 1)[0], points.get(i - 1)[1], points.get(i)[0], points.get(i)[1]);
                }
            }
            g.drawString(s.getKey(), x0 + 12, legend + 10);
            legend += 15;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int x(double value, double min, double max, int x0, int x1) {
        return (int) Math.round(x0 + 20 + (value - min) / (max - min) * (x1 - x0 - 40));
    }

    private static int y(double value, double max, int y0, int y1) {
        return (int) Math.round(y0 - value / max * (y0 - y1));
    }
}
