package io.mosaic.analysis;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Measures, on generated pictures from 640 to 2,400 px, what the analysis thresholds are based on: the
 * sharpness of sharp and blurred scenes and of sharp and blurred pictures with little texture (for
 * {@link AnalysisLimits#DEFAULT_BLUR_THRESHOLD}), and the hash distances of near-duplicates and of distinct
 * scenes (for the near-duplicate Hamming threshold). Blurs are given in pixels of the 512 px working size.
 * Not a test: it takes several minutes. Run it after changing the analysis and check the constants still sit
 * in the gaps; {@link AnalysisAccuracy} then measures precision and recall on a labelled set:
 *
 * <pre>
 * mvn -q -o -pl consumers test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp consumers/target/classes:consumers/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.mosaic.analysis.AnalysisCalibration [scenes]
 * </pre>
 */
public final class AnalysisCalibration {

    private static final int[][] SIZES = {{640, 480}, {800, 600}, {1024, 768}, {600, 800}, {1600, 1200}, {2400, 1600}};

    public static void main(String[] args) {
        int scenes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());

        Map<String, List<Double>> sharpness = new LinkedHashMap<>();
        Map<String, List<Double>> distances = new LinkedHashMap<>();
        Map<String, List<Double>> resizedSharpnessRatio = new LinkedHashMap<>();
        long[] originals = new long[scenes];

        for (int seed = 0; seed < scenes; seed++) {
            int[] size = SIZES[seed % SIZES.length];
            int width = size[0];
            int height = size[1];
            BufferedImage scene = TestImages.scene(seed, width, height);
            // Blur is expressed in pixels of the working size, which is what the measurement sees.
            double pixel = Math.max(width, height) / (double) Math.min(ImageAnalyzer.SHARPNESS_LONG_SIDE,
                    Math.max(width, height));

            Analysis.Ok original = ok(analyzer, scene);
            originals[seed] = original.perceptualHash();
            add(sharpness, "scene, sharp", original.sharpness());

            for (double sigma : new double[] {0.5, 1, 1.5, 2, 3}) {
                Analysis.Ok blurred = ok(analyzer, TestImages.blur(scene, sigma * pixel));
                add(sharpness, "scene, blur sigma " + sigma + " px", blurred.sharpness());
                add(distances, "blur sigma " + sigma + " px", distance(original, blurred));
            }
            add(sharpness, "scene, blur sigma 2 px + noise 2 levels", ok(analyzer,
                    TestImages.withNoise(TestImages.blur(scene, 2 * pixel), seed, 2)).sharpness());

            BufferedImage shapes = TestImages.shapes(seed, width, height);
            add(sharpness, "shapes (little texture), sharp", ok(analyzer, shapes).sharpness());
            for (double sigma : new double[] {1, 2}) {
                add(sharpness, "shapes, blur sigma " + sigma + " px",
                        ok(analyzer, TestImages.blur(shapes, sigma * pixel)).sharpness());
            }

            Map<String, UnaryOperator<BufferedImage>> copies = new LinkedHashMap<>();
            copies.put("resized to 50%", image -> TestImages.resize(image, width / 2, height / 2));
            copies.put("resized to 30%", image -> TestImages.resize(image, width * 3 / 10, height * 3 / 10));
            copies.put("resized to 150%", image -> TestImages.resize(image, width * 3 / 2, height * 3 / 2));
            copies.put("jpeg quality 0.5", image -> TestImages.recompressJpeg(image, 0.5f));
            copies.put("jpeg quality 0.2", image -> TestImages.recompressJpeg(image, 0.2f));
            copies.put("brightened +15", image -> TestImages.adjust(image, 1f, 15f));
            copies.put("contrast x1.15", image -> TestImages.adjust(image, 1.15f, -10f));
            copies.put("resized 70% + jpeg 0.7 + brightened +10", image -> TestImages.adjust(TestImages.recompressJpeg(
                    TestImages.resize(image, width * 7 / 10, height * 7 / 10), 0.7f), 1f, 10f));
            for (Map.Entry<String, UnaryOperator<BufferedImage>> copy : copies.entrySet()) {
                Analysis.Ok result = ok(analyzer, copy.getValue().apply(scene));
                add(distances, copy.getKey(), distance(original, result));
                if (copy.getKey().startsWith("resized to")) {
                    // Copies smaller than the working size are measured as they are, not enlarged.
                    boolean shrunkForMeasurement = Math.max(result.width(), result.height())
                            >= ImageAnalyzer.SHARPNESS_LONG_SIDE;
                    String series = "ratio " + copy.getKey() + " / original, copy "
                            + (shrunkForMeasurement ? ">=" : "<") + " working size";
                    add(resizedSharpnessRatio, series, result.sharpness() / original.sharpness());
                }
            }
        }

        List<Double> distinct = new ArrayList<>();
        for (int a = 0; a < scenes; a++) {
            for (int b = a + 1; b < scenes; b++) {
                distinct.add((double) PerceptualHash.distance(originals[a], originals[b]));
            }
        }
        distances.put("distinct scenes (" + distinct.size() + " pairs)", distinct);

        System.out.println("Sharpness (fine to smoothed edge energy at working size), " + scenes + " scenes:");
        sharpness.forEach((name, values) -> System.out.println("  " + summary(name, values)));
        resizedSharpnessRatio.forEach((name, values) -> System.out.println("  " + summary(name, values)));
        System.out.println("Hash distance to the original:");
        distances.forEach((name, values) -> System.out.println("  " + summary(name, values)));
        System.out.println("Distinct pairs at distance <= t:");
        for (int t = 4; t <= 20; t += 2) {
            int threshold = t;
            long close = distinct.stream().filter(d -> d <= threshold).count();
            System.out.println("  t=" + t + ": " + close);
        }
    }

    private static Analysis.Ok ok(ImageAnalyzer analyzer, BufferedImage image) {
        Analysis analysis = analyzer.analyze(TestImages.encode(image, "bmp"));
        if (analysis instanceof Analysis.Ok ok) {
            return ok;
        }
        throw new IllegalStateException("analysis failed: " + analysis);
    }

    private static double distance(Analysis.Ok a, Analysis.Ok b) {
        return PerceptualHash.distance(a.perceptualHash(), b.perceptualHash());
    }

    private static void add(Map<String, List<Double>> series, String name, double value) {
        series.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
    }

    private static String summary(String name, List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%-62s n=%5d min=%8.2f p1=%8.2f p5=%8.2f median=%8.2f p95=%8.2f p99=%8.2f max=%8.2f",
                name, sorted.length, sorted[0], percentile(sorted, 1), percentile(sorted, 5),
                percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private AnalysisCalibration() {
    }

}
