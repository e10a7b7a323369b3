package io.mosaic.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Groups images whose perceptual hashes lie within a Hamming distance of each other.
 *
 * <p>Two images are linked when they are {@link PerceptualHash#nearDuplicates near-duplicates}: the
 * hashes of their centres or of their wider centres are within {@code maxDistance} bits, and both
 * together within {@link PerceptualHash#totalDistance}. A group is a
 * connected component of that relation (so a chain a~b~c is one group even when a and c are far
 * apart) with at least two distinct URIs. The result depends only on the set of images, never on
 * their order: URIs are sorted within a group and groups are sorted by their first URI. A job's
 * images are read twice and their URIs never held in memory together ({@link #group}): a million
 * images group in a few tens of megabytes.
 *
 * <p>Which pairs are near is found without comparing every pair: see {@link MultiIndexLinks}.
 */
public final class NearDuplicateGrouper {

    private NearDuplicateGrouper() {
    }

    /** A job's images, which the grouper reads twice: every reading must give them in the same order. */
    @FunctionalInterface
    public interface Images {
        void forEach(Consumer<HashedImage> action);
    }

    /** Strings sorted in memory at a time while grouping; more go to scratch files. */
    public static final int SORT_RUN = 50_000;

    /** The groups of a collection held in memory: for tests, benchmarks and small sets. */
    public static List<List<String>> groups(Collection<HashedImage> images, int maxDistance) {
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "mosaic-grouping-" + UUID.randomUUID());
        try (Groups groups = group(images::forEach, maxDistance, scratch, SORT_RUN)) {
            List<List<String>> all = new ArrayList<>(groups.count());
            groups.forEach(all::add);
            return List.copyOf(all);
        }
    }

    /**
     * Groups {@code images} in memory that does not hold their URIs: the hashes go into primitive
     * arrays (about 44 bytes an image), the URIs of grouped images are sorted on disk under
     * {@code scratch} in runs of {@code sortRun}, and the groups are read back one at a time.
     * The caller closes the result, which deletes the scratch files.
     */
    public static Groups group(Images images, int maxDistance, Path scratch, int sortRun) {
        if (maxDistance < 0) {
            throw new IllegalArgumentException("distance must not be negative, got " + maxDistance);
        }
        // Pass 1: the hashes, in the order the images come.
        long[][] hashes = {new long[1_024], new long[1_024]};
        int[] n = {0};
        images.forEach(image -> {
            if (image.hasHash()) {
                if (n[0] == hashes[0].length) {
                    hashes[0] = Arrays.copyOf(hashes[0], hashes[0].length * 2);
                    hashes[1] = Arrays.copyOf(hashes[1], hashes[1].length * 2);
                }
                hashes[0][n[0]] = image.hash();
                hashes[1][n[0]++] = image.wideHash();
            }
        });
        MultiIndexLinks.Links links = MultiIndexLinks.link(Arrays.copyOf(hashes[0], n[0]), Arrays.copyOf(hashes[1], n[0]), maxDistance);

        // Pass 2: each grouped image's URI under its group's root, sorted: a group's URIs together, in order.
        ExternalSort<String> byRoot = new ExternalSort<>(scratch, sortRun, Comparator.naturalOrder(), ExternalSort.STRINGS);
        ExternalSort<String> byFirst = new ExternalSort<>(scratch, sortRun, Comparator.naturalOrder(), ExternalSort.STRINGS);
        try {
            int[] index = {0};
            images.forEach(image -> {
                if (image.hasHash()) {
                    int root = links.find(index[0]++);
                    if (links.sizeOf(root) > 1) {
                        byRoot.add(hex(root) + SEPARATOR + image.uri());
                    }
                }
            });
            // Pass 3: every member keyed by its group's first URI, so that groups come out in that order.
            int[] groups = {0};
            String[] run = {null, null, null};
            byRoot.forEachSorted(entry -> {
                String root = entry.substring(0, 8);
                String uri = entry.substring(9);
                if (!root.equals(run[0])) {
                    run[0] = root;
                    run[1] = uri;
                    run[2] = null;
                } else if (!uri.equals(run[2] == null ? run[1] : run[2])) {
                    if (run[2] == null) {
                        // The second distinct URI: the run is a group; its first member goes in now.
                        byFirst.add(run[1] + SEPARATOR + run[1]);
                        groups[0]++;
                    }
                    run[2] = uri;
                    byFirst.add(run[1] + SEPARATOR + uri);
                }
            });
            byRoot.close();
            return new Groups(byFirst, groups[0], scratch);
        } catch (RuntimeException | Error e) {
            byRoot.close();
            byFirst.close();
            throw e;
        }
    }

    /** The groups of one job, sorted (URIs within a group, groups by their first URI), readable any number of times. */
    public static final class Groups implements AutoCloseable {

        private final ExternalSort<String> sorted;
        private final int count;
        private final Path scratch;

        private Groups(ExternalSort<String> sorted, int count, Path scratch) {
            this.sorted = sorted;
            this.count = count;
            this.scratch = scratch;
        }

        public int count() {
            return count;
        }

        /** Hands each group to {@code action} in order, one group in memory at a time. */
        public void forEach(Consumer<List<String>> action) {
            List<String> group = new ArrayList<>();
            String[] first = {null};
            sorted.forEachSorted(entry -> {
                int cut = entry.indexOf(SEPARATOR);
                String key = entry.substring(0, cut);
                if (!key.equals(first[0]) && !group.isEmpty()) {
                    action.accept(List.copyOf(group));
                    group.clear();
                }
                first[0] = key;
                group.add(entry.substring(cut + 1));
            });
            if (!group.isEmpty()) {
                action.accept(List.copyOf(group));
            }
        }

        @Override
        public void close() {
            sorted.close();
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // Not empty or not there: only files of this grouping were in it, and they are gone.
            }
        }
    }

    /** URIs never contain NUL: it separates a sort key from the URI. */
    private static final char SEPARATOR = '\u0000';

    private static String hex(int value) {
        String digits = Integer.toHexString(value);
        return "00000000".substring(digits.length()) + digits;
    }
}
