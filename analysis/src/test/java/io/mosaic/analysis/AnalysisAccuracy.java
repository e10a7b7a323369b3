package io.mosaic.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Precision and recall of blur detection and of near-duplicate detection on a {@link LabelledImages labelled
 * set}, with the default thresholds. {@code AnalysisAccuracyTest} checks them on a small set on every build;
 * this program measures larger sets:
 *
 * <pre>
 * mvn -q -o -pl consumers test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp consumers/target/classes:consumers/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.mosaic.analysis.AnalysisAccuracy [times] [max-long-side] [seed]
 * </pre>
 *
 * {@code times} multiplies the 215 images of the small set (default 1), {@code max-long-side} is the
 * largest image's longer side (default 400 px; larger images take far longer to generate), {@code seed}
 * picks another set (default 1).
 *
 * <p>Blur detection counts an image as a true positive when it is labelled blurry and flagged blurry.
 * Near-duplicate detection looks at every pair of images in the set: a pair is detected when its hashes make
 * them {@link PerceptualHash#nearDuplicates near-duplicates} at the default distance, and is a true
 * near-duplicate when both are copies of one picture.
 */
final class AnalysisAccuracy {

    /**
     * What was measured.
     *
     * @param images images in the set
     * @param failed images the analyzer could not analyse (names), which count against neither figure
     * @param blur blur detection
     * @param pairs near-duplicate pair detection
     * @param lowestSharp the sharp image with the lowest sharpness, and its score
     * @param highestBlurry the blurry image with the highest sharpness, and its score
     * @param closestDistinct the closest pair of distinct pictures, and their hash distance
     * @param farthestCopies the farthest pair of copies of one picture, and their hash distance
     * @param analysisMs time spent analysing all images, generation excluded
     * @param results what was measured on each image of the set, in its order; null where it failed
     */
    record Figures(int images, List<String> failed, Detection blur, Detection pairs, Extreme lowestSharp,
                   Extreme highestBlurry, Extreme closestDistinct, Extreme farthestCopies, long analysisMs,
                   List<Analysis.Ok> results) {

        String describe() {
            return String.format(Locale.ROOT, String.join("%n",
                            "%d images analysed in %d ms (%.1f ms each), %d failed",
                            "blur detection (threshold %.2f): precision %.4f, recall %.4f (%s)",
                            "  lowest sharpness of a sharp image:  %s",
                            "  highest sharpness of a blurry image: %s",
                            "near-duplicate pairs (centre or wide hash <= %d, both <= %d): precision %.4f, recall %.4f (%s)",
                            "  closest distinct pictures: %s",
                            "  farthest copies of one picture: %s"),
                    images, analysisMs, analysisMs / (double) images, failed.size(),
                    AnalysisLimits.DEFAULT_BLUR_THRESHOLD, blur.precision(), blur.recall(), blur,
                    lowestSharp, highestBlurry,
                    PerceptualHash.NEAR_DUPLICATE_DISTANCE, PerceptualHash.totalDistance(PerceptualHash.NEAR_DUPLICATE_DISTANCE), pairs.precision(), pairs.recall(), pairs,
                    closestDistinct, farthestCopies);
        }
    }

    /** Counts of a detector's decisions against the labels, with examples of its mistakes. */
    record Detection(int truePositives, int falsePositives, int falseNegatives, List<String> mistakes) {

        double precision() {
            return truePositives + falsePositives == 0 ? 1 : truePositives / (double) (truePositives + falsePositives);
        }

        double recall() {
            return truePositives + falseNegatives == 0 ? 1 : truePositives / (double) (truePositives + falseNegatives);
        }

        @Override
        public String toString() {
            return truePositives + " found, " + falsePositives + " wrongly, " + falseNegatives + " missed";
        }
    }

    /** The image or pair at one end of a distribution. */
    record Extreme(String what, double value) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f, %s", value, what);
        }
    }

    private static final int MISTAKES_KEPT = 20;

    private AnalysisAccuracy() {
    }

    static Figures measure(List<LabelledImages.Image> set) {
        ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());
        List<String> failed = new ArrayList<>();
        Analysis.Ok[] results = new Analysis.Ok[set.size()];
        long started = System.nanoTime();
        for (int i = 0; i < set.size(); i++) {
            LabelledImages.Image image = set.get(i);
            Analysis analysis = analyzer.analyze(image.encoded());
            if (analysis instanceof Analysis.Ok ok) {
                results[i] = ok;
            } else {
                failed.add(image.name() + " (" + image.format() + "): " + ((Analysis.Failed) analysis).reason());
            }
        }
        long analysisMs = (System.nanoTime() - started) / 1_000_000;

        Counter blur = new Counter();
        Extreme lowestSharp = new Extreme("none", Double.POSITIVE_INFINITY);
        Extreme highestBlurry = new Extreme("none", Double.NEGATIVE_INFINITY);
        for (int i = 0; i < set.size(); i++) {
            LabelledImages.Image image = set.get(i);
            Analysis.Ok ok = results[i];
            if (ok == null) {
                continue;
            }
            String what = describe(image, ok);
            blur.count(image.blurry(), ok.blurry(), what);
            if (image.blurry() && ok.sharpness() > highestBlurry.value()) {
                highestBlurry = new Extreme(what, ok.sharpness());
            } else if (!image.blurry() && ok.sharpness() < lowestSharp.value()) {
                lowestSharp = new Extreme(what, ok.sharpness());
            }
        }

        Counter pairs = new Counter();
        Extreme closestDistinct = new Extreme("none", Double.POSITIVE_INFINITY);
        Extreme farthestCopies = new Extreme("none", Double.NEGATIVE_INFINITY);
        for (int a = 0; a < set.size(); a++) {
            for (int b = a + 1; b < set.size(); b++) {
                if (results[a] == null || results[b] == null) {
                    continue;
                }
                int centre = PerceptualHash.distance(results[a].perceptualHash(), results[b].perceptualHash());
                int wide = PerceptualHash.distance(results[a].wideHash(), results[b].wideHash());
                // The nearer of the two hashes: what the rule checks first.
                int distance = Math.min(centre, wide);
                boolean copies = set.get(a).group() == set.get(b).group();
                String what = set.get(a).name() + " ~ " + set.get(b).name() + ": centre " + centre + ", wide " + wide;
                pairs.count(copies, nearDuplicates(results[a], results[b]), what);
                if (copies && distance > farthestCopies.value()) {
                    farthestCopies = new Extreme(what, distance);
                } else if (!copies && distance < closestDistinct.value()) {
                    closestDistinct = new Extreme(what, distance);
                }
            }
        }
        return new Figures(set.size(), failed, blur.detection(), pairs.detection(), lowestSharp, highestBlurry,
                closestDistinct, farthestCopies, analysisMs, Arrays.asList(results));
    }

    /** The analyser's verdict on two images: near-duplicates at the default distance. */
    static boolean nearDuplicates(Analysis.Ok a, Analysis.Ok b) {
        return PerceptualHash.nearDuplicates(a.perceptualHash(), a.wideHash(), b.perceptualHash(), b.wideHash(),
                PerceptualHash.NEAR_DUPLICATE_DISTANCE);
    }

    public static void main(String[] args) {
        int times = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int maxLongSide = args.length > 1 ? Integer.parseInt(args[1]) : LabelledImages.Sizes.small().maxLongSide();
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        LabelledImages.Sizes sizes = LabelledImages.Sizes.small().times(times, maxLongSide);

        long started = System.nanoTime();
        List<LabelledImages.Image> set = LabelledImages.generate(sizes, seed);
        System.out.printf("Generated %d labelled images (%s, seed %d) in %d ms%n", set.size(), sizes, seed,
                (System.nanoTime() - started) / 1_000_000);
        Figures figures = measure(set);
        System.out.println(figures.describe());
        figures.failed().forEach(name -> System.out.println("  failed: " + name));
        figures.blur().mistakes().forEach(name -> System.out.println("  blur mistake: " + name));
        figures.pairs().mistakes().forEach(name -> System.out.println("  pair mistake: " + name));
    }

    private static String describe(LabelledImages.Image image, Analysis.Ok ok) {
        return String.format(Locale.ROOT, "%s (%s, sharpness %.3f)", image.name(), image.format(), ok.sharpness());
    }

    private static final class Counter {
        private int truePositives;
        private int falsePositives;
        private int falseNegatives;
        private final List<String> mistakes = new ArrayList<>();

        void count(boolean labelled, boolean detected, String what) {
            if (labelled && detected) {
                truePositives++;
            } else if (detected) {
                falsePositives++;
                keep("wrongly detected: " + what);
            } else if (labelled) {
                falseNegatives++;
                keep("missed: " + what);
            }
        }

        private void keep(String mistake) {
            if (mistakes.size() < MISTAKES_KEPT) {
                mistakes.add(mistake);
            }
        }

        Detection detection() {
            return new Detection(truePositives, falsePositives, falseNegatives, List.copyOf(mistakes));
        }
    }
}
