package io.mosaic.analysis;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.jmh.MeasuredAlike;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The analysis's hot functions on one generated 640 x 480 scene (the size {@code mosaic bench}
 * uses): grey conversion, sharpness, perceptual hash; and near-duplicate grouping of a job's
 * hashes. In this package because the first two are package-private.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnalysisBenchmarks extends MeasuredAlike {

    @Param({"1000", "10000"})
    int images;

    private BufferedImage scene;
    private GreyImage grey;
    private List<HashedImage> hashed;

    @Setup
    public void setUp() {
        scene = SampleImages.scene(7, 640, 480);
        grey = GreyImage.of(scene);
        Random random = new Random(5);
        hashed = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            // One image in ten has a near copy: a few bits flipped in each hash.
            HashedImage previous = i % 10 == 1 ? hashed.get(i - 1) : null;
            long hash = previous != null ? previous.hash() ^ (1L << random.nextInt(64)) : random.nextLong();
            long wide = previous != null ? previous.wideHash() ^ (1L << random.nextInt(64)) : random.nextLong();
            hashed.add(HashedImage.withHashes("file:///photos/" + i + ".jpg", hash, wide, false));
        }
    }

    @Benchmark
    public GreyImage greyImage() {
        return GreyImage.of(scene);
    }

    @Benchmark
    public double sharpness() {
        return Sharpness.of(grey);
    }

    @Benchmark
    public long perceptualHash() {
        return PerceptualHash.of(scene);
    }

    /** The two hashes the analyser takes: of the centre and of the wider centre. */
    @Benchmark
    public long centreAndWideHashes() {
        return PerceptualHash.centre(grey) ^ PerceptualHash.wide(grey);
    }

    @Benchmark
    public List<List<String>> nearDuplicateGroups() {
        return NearDuplicateGrouper.groups(hashed, PerceptualHash.NEAR_DUPLICATE_DISTANCE);
    }
}
