package io.mosaic.app.bench;

import java.time.Duration;
import java.util.List;

/** How big each line is. */
public record BenchSizes(int images, int width, int height, int rounds, int submitTasks, int aggregatorJobs, int resultsPerJob,
                    Duration latencyPerLevel, int smallJobs, int scalingImages, int lagRounds, int coldStarts, List<Integer> scaleSizes,
                    int fairnessImages, Duration fairnessEvery) {

    public static final BenchSizes FULL = new BenchSizes(1_000, 640, 480, 3, 20_000, 100, 1_000, Duration.ofSeconds(15), 20, 1_000, 30, 3,
            List.of(1_000, 10_000, 100_000, 1_000_000), 30_000, Duration.ofSeconds(3));
    public static final BenchSizes QUICK = new BenchSizes(200, 640, 480, 1, 5_000, 5, 500, Duration.ofSeconds(4), 5, 100, 10, 1, List.of(1_000),
            3_000, Duration.ofSeconds(1));

    public BenchSizes withImages(int count) {
        return new BenchSizes(count, width, height, rounds, submitTasks, aggregatorJobs, resultsPerJob, latencyPerLevel, smallJobs, scalingImages,
                lagRounds, coldStarts, scaleSizes, fairnessImages, fairnessEvery);
    }

    public BenchSizes withImageSize(int w, int h) {
        return new BenchSizes(images, w, h, rounds, submitTasks, aggregatorJobs, resultsPerJob, latencyPerLevel, smallJobs, scalingImages,
                lagRounds, coldStarts, scaleSizes, fairnessImages, fairnessEvery);
    }

    public BenchSizes withRounds(int count) {
        return new BenchSizes(images, width, height, count, submitTasks, aggregatorJobs, resultsPerJob, latencyPerLevel, smallJobs, scalingImages,
                lagRounds, coldStarts, scaleSizes, fairnessImages, fairnessEvery);
    }

    public BenchSizes withScaleSizes(List<Integer> counts) {
        return new BenchSizes(images, width, height, rounds, submitTasks, aggregatorJobs, resultsPerJob, latencyPerLevel, smallJobs, scalingImages,
                lagRounds, coldStarts, List.copyOf(counts), fairnessImages, fairnessEvery);
    }
}
