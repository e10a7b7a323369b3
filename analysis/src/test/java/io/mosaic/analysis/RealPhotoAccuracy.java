package io.mosaic.analysis;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Near-duplicate and blur accuracy on real photographs rather than generated scenes: the sample
 * photos scikit-image ships in its wheel (fetched with {@code pip download}, never committed), each
 * with the edits people make (resize 50%, JPEG quality 20, brightness +25%, a 5% crop on each side,
 * a 2° rotation either way, a small text mark in a corner, a Gaussian blur; the blurred copies, and the
 * {@link #SOFT} photographs with all their copies, are labelled blurry). Prints the figures of
 * {@link AnalysisAccuracy} and the recall of each edit (original ~ edit pairs found). A measuring
 * program ({@code RealPhotoAccuracyTest} holds its figures to the targets):
 *
 * <pre>
 * ./mvnw -q -o -pl analysis test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp analysis/target/classes:analysis/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.mosaic.analysis.RealPhotoAccuracy [cache-dir]
 * </pre>
 */
final class RealPhotoAccuracy {

    static final String WHEEL = "scikit-image==0.26.0";
    /** Photographs among scikit-image's data files (its drawings, charts and test patterns are left out). */
    static final List<String> PHOTOS = List.of("astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "coffee.png",
            "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "page.png",
            "retina.jpg", "rocket.jpg");

    /**
     * Photographs that are blurry themselves, and so are all their copies: {@code cell.png} is an
     * out-of-focus micrograph, a soft disc with a halo on a grainy ground, with no crisp edge anywhere.
     */
    static final Set<String> SOFT = Set.of("cell.png");

    /** An edit: its name, whether it makes the copy blurry, and what it does. */
    record Edit(String name, boolean blurry, UnaryOperator<BufferedImage> apply) {
    }

    static final List<Edit> EDITS = List.of(
            new Edit("resize 50%", false, p -> TestImages.resize(p, p.getWidth() / 2, p.getHeight() / 2)),
            new Edit("jpeg q20", false, p -> TestImages.recompressJpeg(p, 0.2f)),
            new Edit("brightness +25%", false, p -> TestImages.adjust(p, 1.25f, 0)),
            new Edit("crop 5%", false, RealPhotoAccuracy::crop),
            new Edit("rotate +2", false, p -> rotate(p, 2)),
            new Edit("rotate -2", false, p -> rotate(p, -2)),
            new Edit("watermark", false, RealPhotoAccuracy::watermark),
            new Edit("gaussian blur", true, p -> TestImages.blur(p, 4)));

    private RealPhotoAccuracy() {
    }

    /** The figures of {@link AnalysisAccuracy} on the set, and per edit how many of its copies were found beside their original. */
    record Measured(AnalysisAccuracy.Figures figures, int[] foundPerEdit) {

        void print() {
            System.out.println(figures.describe());
            figures.blur().mistakes().forEach(m -> System.out.println("  blur mistake: " + m));
            figures.pairs().mistakes().forEach(m -> System.out.println("  pair mistake: " + m));
            for (int e = 0; e < EDITS.size(); e++) {
                System.out.printf(Locale.ROOT, "  %-16s original ~ copy found %2d of %d%n", EDITS.get(e).name(), foundPerEdit[e], PHOTOS.size());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir") + "/mosaic-real-photos");
        Optional<String> missing = fetch(cache);
        if (missing.isPresent()) {
            System.out.println("real photographs unavailable: " + missing.get());
            return;
        }
        measure(cache).print();
    }

    /** Builds the set from the photos in {@code cache} (see {@link #fetch}) and measures it. */
    static Measured measure(Path cache) throws IOException {
        List<LabelledImages.Image> set = new ArrayList<>();
        List<int[]> editPairs = new ArrayList<>();
        for (int group = 0; group < PHOTOS.size(); group++) {
            String name = PHOTOS.get(group);
            BufferedImage photo = TestImages.copy(TestImages.decode(Files.readAllBytes(cache.resolve(name))));
            int original = set.size();
            boolean soft = SOFT.contains(name);
            set.add(new LabelledImages.Image(name, "png", TestImages.encode(photo, "png"), soft, group));
            for (int e = 0; e < EDITS.size(); e++) {
                Edit edit = EDITS.get(e);
                set.add(new LabelledImages.Image(name + " " + edit.name(), "png", TestImages.encode(edit.apply().apply(photo), "png"),
                        soft || edit.blurry(), group));
                editPairs.add(new int[] {e, original, set.size() - 1});
            }
        }
        AnalysisAccuracy.Figures figures = AnalysisAccuracy.measure(set);
        int[] found = new int[EDITS.size()];
        for (int[] pair : editPairs) {
            Analysis.Ok original = figures.results().get(pair[1]);
            Analysis.Ok copy = figures.results().get(pair[2]);
            if (original != null && copy != null && AnalysisAccuracy.nearDuplicates(original, copy)) {
                found[pair[0]]++;
            }
        }
        return new Measured(figures, found);
    }

    /** The photos in {@code cache}, fetched there with pip if they are not yet; empty, or why they could not be. */
    static Optional<String> fetch(Path cache) throws IOException, InterruptedException {
        if (PHOTOS.stream().allMatch(p -> Files.isRegularFile(cache.resolve(p)))) {
            return Optional.empty();
        }
        Path download = Files.createTempDirectory("mosaic-wheel-");
        try {
            Process pip = new ProcessBuilder("pip", "download", WHEEL, "--no-deps", "--only-binary", ":all:", "-q", "-d", download.toString())
                    .redirectErrorStream(true).start();
            String output = new String(pip.getInputStream().readAllBytes());
            if (!pip.waitFor(5, TimeUnit.MINUTES) || pip.exitValue() != 0) {
                return Optional.of("pip download " + WHEEL + " failed: " + output.strip());
            }
            Path wheel;
            try (Stream<Path> files = Files.list(download)) {
                wheel = files.filter(f -> f.toString().endsWith(".whl")).findFirst().orElse(null);
            }
            if (wheel == null) {
                return Optional.of("pip download " + WHEEL + " gave no wheel");
            }
            Files.createDirectories(cache);
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                for (String photo : PHOTOS) {
                    ZipEntry entry = zip.getEntry("skimage/data/" + photo);
                    if (entry == null) {
                        return Optional.of(WHEEL + " has no skimage/data/" + photo);
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, cache.resolve(photo), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run pip: " + e.getMessage());
        } finally {
            try (Stream<Path> files = Files.walk(download)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static BufferedImage crop(BufferedImage photo) {
        int dx = photo.getWidth() / 20;
        int dy = photo.getHeight() / 20;
        return TestImages.copy(photo.getSubimage(dx, dy, photo.getWidth() - 2 * dx, photo.getHeight() - 2 * dy));
    }

    /** Rotated about the centre, the same size, the corners filled from the photo's mean colour (black would be an edit of its own). */
    private static BufferedImage rotate(BufferedImage photo, double degrees) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(photo, AffineTransform.getRotateInstance(Math.toRadians(degrees), photo.getWidth() / 2.0, photo.getHeight() / 2.0), null);
        g.dispose();
        return out;
    }

    /** A small white box with dark text in the bottom-right corner, as a photo site stamps its name. */
    private static BufferedImage watermark(BufferedImage photo) {
        BufferedImage out = TestImages.copy(photo);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int w = Math.max(40, photo.getWidth() / 5);
        int h = Math.max(12, photo.getHeight() / 14);
        int x = photo.getWidth() - w - photo.getWidth() / 40;
        int y = photo.getHeight() - h - photo.getHeight() / 40;
        g.setColor(new Color(255, 255, 255, 200));
        g.fillRect(x, y, w, h);
        g.setColor(new Color(30, 30, 30));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, h * 2 / 3)));
        g.drawString("© mosaic", x + h / 4, y + h * 3 / 4);
        g.dispose();
        return out;
    }
}
