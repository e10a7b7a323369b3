package io.mosaic.analysis;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A labelled set of generated images for measuring the analysis: which images are blurry, and which are
 * near-duplicates of which. Four kinds, in varied sizes, aspect ratios and all six formats:
 *
 * <ul>
 *   <li>distinct textured scenes, sharp;</li>
 *   <li>copies of some of those scenes (resized, recompressed as JPEG, slightly brightened, or all three),
 *       sharp, each in the near-duplicate group of its scene;</li>
 *   <li>heavily blurred pictures of other scenes (textured, or a few plain shapes), half with sensor noise
 *       added after the blur as a camera adds it;</li>
 *   <li>sharp pictures with little texture: a few plain shapes with hard edges on a plain background.</li>
 * </ul>
 *
 * Every picture is distinct from every other except within a near-duplicate group. The same arguments
 * always give the same set.
 */
final class LabelledImages {

    private static final String[] FORMATS = {"jpeg", "png", "gif", "bmp", "tiff", "webp"};
    private static final double[] ASPECTS = {4.0 / 3, 3.0 / 2, 1, 3.0 / 4, 16.0 / 9, 2.0 / 3};

    /**
     * One image of the set.
     *
     * @param name what it is, for messages: kind, seed and how it was made
     * @param format the format it is encoded in
     * @param encoded the file's bytes
     * @param blurry whether it is heavily blurred
     * @param group its near-duplicate group: images with the same group are copies of one picture;
     *     every image that is no copy has a group of its own
     */
    record Image(String name, String format, byte[] encoded, boolean blurry, int group) {
    }

    /**
     * How many images of each kind, and how large.
     *
     * @param scenes distinct textured scenes
     * @param copiedScenes how many of those scenes get near-duplicate copies (three each)
     * @param blurred heavily blurred pictures
     * @param plain sharp pictures with little texture
     * @param minLongSide smallest longer side, in pixels
     * @param maxLongSide largest longer side, in pixels
     */
    record Sizes(int scenes, int copiedScenes, int blurred, int plain, int minLongSide, int maxLongSide) {

        /** 215 images of at most 400 px: small enough for a unit test. */
        static Sizes small() {
            return new Sizes(60, 25, 40, 40, 160, 400);
        }

        Sizes times(int factor, int maxLongSide) {
            return new Sizes(scenes * factor, copiedScenes * factor, blurred * factor, plain * factor,
                    minLongSide, maxLongSide);
        }

        int total() {
            return scenes + 3 * copiedScenes + blurred + plain;
        }
    }

    private LabelledImages() {
    }

    static List<Image> generate(Sizes sizes, long seed) {
        if (sizes.copiedScenes() > sizes.scenes()) {
            throw new IllegalArgumentException("cannot copy more scenes than there are: " + sizes);
        }
        Random random = new Random(seed);
        List<Image> set = new ArrayList<>(sizes.total());
        int group = 0;

        for (int i = 0; i < sizes.scenes(); i++, group++) {
            long sceneSeed = seed * 1_000_003 + i;
            int[] size = size(random, sizes);
            BufferedImage scene = TestImages.scene(sceneSeed, size[0], size[1]);
            String name = "scene " + sceneSeed + " " + size[0] + "x" + size[1];
            set.add(image(name, format(random), scene, false, group));
            if (i < sizes.copiedScenes()) {
                addCopies(set, random, scene, name, group);
            }
        }

        for (int i = 0; i < sizes.blurred(); i++, group++) {
            long pictureSeed = seed * 1_000_003 + 500_000 + i;
            int[] size = size(random, sizes);
            boolean textured = i % 3 != 2;
            BufferedImage picture = textured
                    ? TestImages.scene(pictureSeed, size[0], size[1])
                    : TestImages.shapes(pictureSeed, size[0], size[1]);
            // Heavy at the size the analysis measures: images larger than that are blurred proportionally more.
            double sigma = (2 + 2.5 * random.nextDouble())
                    * Math.max(1, Math.max(size[0], size[1]) / (double) ImageAnalyzer.SHARPNESS_LONG_SIDE);
            BufferedImage blurred = TestImages.blur(picture, sigma);
            boolean noisy = i % 2 == 1;
            if (noisy) {
                blurred = TestImages.withNoise(blurred, pictureSeed, 1.5 + random.nextDouble());
            }
            String name = String.format("%s %d %dx%d blurred sigma %.1f px%s", textured ? "scene" : "shapes",
                    pictureSeed, size[0], size[1], sigma, noisy ? " + noise" : "");
            set.add(image(name, format(random), blurred, true, group));
        }

        for (int i = 0; i < sizes.plain(); i++, group++) {
            long pictureSeed = seed * 1_000_003 + 800_000 + i;
            int[] size = size(random, sizes);
            String name = "shapes " + pictureSeed + " " + size[0] + "x" + size[1];
            set.add(image(name, format(random), TestImages.shapes(pictureSeed, size[0], size[1]), false, group));
        }
        return set;
    }

    /** Three copies a photo library accumulates: smaller, recompressed, brightened, each sharp. */
    private static void addCopies(List<Image> set, Random random, BufferedImage scene, String name, int group) {
        int width = scene.getWidth();
        int height = scene.getHeight();
        double factor = 0.5 + 0.3 * random.nextDouble();
        int smallWidth = (int) Math.round(width * factor);
        int smallHeight = (int) Math.round(height * factor);
        set.add(image(String.format("%s resized to %dx%d", name, smallWidth, smallHeight), format(random),
                TestImages.resize(scene, smallWidth, smallHeight), false, group));

        float quality = 0.4f + 0.3f * random.nextFloat();
        set.add(new Image(String.format("%s recompressed at quality %.2f", name, quality), "jpeg",
                TestImages.jpeg(scene, quality), false, group));

        int levels = 8 + random.nextInt(13);
        BufferedImage brightened = TestImages.adjust(scene, 1f, levels);
        if (random.nextBoolean()) {
            int w = (int) Math.round(width * 0.9);
            int h = (int) Math.round(height * 0.9);
            set.add(new Image(String.format("%s brightened by %d, resized to %dx%d, quality 0.8", name, levels, w, h),
                    "jpeg", TestImages.jpeg(TestImages.resize(brightened, w, h), 0.8f), false, group));
        } else {
            set.add(image(name + " brightened by " + levels, format(random), brightened, false, group));
        }
    }

    private static Image image(String name, String format, BufferedImage picture, boolean blurry, int group) {
        return new Image(name, format, TestImages.encode(picture, format), blurry, group);
    }

    private static String format(Random random) {
        return FORMATS[random.nextInt(FORMATS.length)];
    }

    private static int[] size(Random random, Sizes sizes) {
        int longSide = sizes.minLongSide() + random.nextInt(sizes.maxLongSide() - sizes.minLongSide() + 1);
        double aspect = ASPECTS[random.nextInt(ASPECTS.length)];
        return aspect >= 1
                ? new int[] {longSide, Math.max(1, (int) Math.round(longSide / aspect))}
                : new int[] {Math.max(1, (int) Math.round(longSide * aspect)), longSide};
    }
}
