package io.mosaic.analysis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Groups images whose perceptual hashes lie within a Hamming distance of each other.
 *
 * <p>Two images are linked when {@code Long.bitCount(a ^ b) <= maxDistance}; a group is a
 * connected component of that relation (so a chain a~b~c is one group even when a and c are far
 * apart) with at least two distinct URIs. The result depends only on the set of images, never on
 * their order: URIs are sorted within a group and groups are sorted by their first URI.
 *
 * <p>Comparing every pair is quadratic: 5 billion comparisons at 100,000 images. Instead this is
 * multi-index hashing. The 64 bits are cut into {@code m} bands; if two hashes differ in at most
 * {@code d} bits, the differences spread over {@code m} bands, so in at least one band they
 * differ in at most {@code floor(d / m)} bits (pigeonhole). Each band is indexed by its value;
 * for each hash and band, every value within {@code floor(d / m)} bits of the hash's own is looked
 * up, and only the hashes found there are compared. {@code m} is chosen per call from a cost
 * estimate: many narrow bands mean exact lookups but crowded buckets, few wide ones mean sparse
 * buckets but many lookups. At 100,000 random hashes and distance 10 it picks 4 bands of 16 bits
 * (137 lookups per band) and groups in well under a second, where 11 bands of 6 bits compared
 * about 20 times as many pairs.
 */
public final class NearDuplicateGrouper {

    /** Widest band indexed with a direct table (2^20 entries); wider bands are never chosen. */
    private static final int MAX_BAND_WIDTH = 20;
    private static final int MIN_BANDS = (Long.SIZE + MAX_BAND_WIDTH - 1) / MAX_BAND_WIDTH;

    private NearDuplicateGrouper() {
    }

    public static List<List<String>> groups(Collection<HashedImage> images, int maxDistance) {
        if (maxDistance < 0) {
            throw new IllegalArgumentException("distance must not be negative, got " + maxDistance);
        }
        List<HashedImage> hashed = images.stream().filter(HashedImage::hasHash).toList();
        int n = hashed.size();
        UnionFind links = new UnionFind(n);

        // Identical hashes are linked whatever the distance; collapsing them first keeps a burst
        // of exact copies from filling one bucket and costing a quadratic number of comparisons.
        Map<Long, Integer> firstWithHash = new HashMap<>();
        List<Integer> distinctIndexes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer first = firstWithHash.putIfAbsent(hashed.get(i).hash(), i);
            if (first == null) {
                distinctIndexes.add(i);
            } else {
                links.union(first, i);
            }
        }
        int[] distinct = distinctIndexes.stream().mapToInt(Integer::intValue).toArray();
        long[] hashes = new long[distinct.length];
        for (int k = 0; k < distinct.length; k++) {
            hashes[k] = hashed.get(distinct[k]).hash();
        }

        if (maxDistance >= Long.SIZE) {
            // No two 64-bit hashes are further apart than 64 bits: everything is linked.
            for (int index : distinct) {
                links.union(distinct[0], index);
            }
        } else if (distinct.length > 1) {
            linkByMultiIndex(hashes, distinct, maxDistance, links);
        }
        return collect(hashed, links);
    }

    /**
     * The number of bands with the lowest estimated cost for {@code n} hashes: per hash and band,
     * one lookup per value within the band's radius, plus the expected comparisons with the
     * hashes found there (as if hashes were spread evenly).
     */
    static int bandsFor(int n, int maxDistance) {
        int best = MIN_BANDS;
        double bestCost = Double.MAX_VALUE;
        for (int bands = MIN_BANDS; bands <= Long.SIZE; bands++) {
            int width = (Long.SIZE + bands - 1) / bands;
            int narrowest = Long.SIZE / bands;
            double lookups = valuesWithin(width, maxDistance / bands);
            double cost = (double) n * bands * lookups * (1 + n / Math.pow(2, narrowest));
            if (cost < bestCost) {
                bestCost = cost;
                best = bands;
            }
        }
        return best;
    }

    private static void linkByMultiIndex(long[] hashes, int[] distinct, int maxDistance, UnionFind links) {
        int bands = bandsFor(hashes.length, maxDistance);
        int radius = maxDistance / bands;
        int narrowWidth = Long.SIZE / bands;
        int wideBands = Long.SIZE % bands;
        int offset = 0;
        for (int band = 0; band < bands; band++) {
            int width = band < wideBands ? narrowWidth + 1 : narrowWidth;
            linkWithinBand(hashes, distinct, maxDistance, links, offset, width, masksWithin(width, radius));
            offset += width;
        }
    }

    /**
     * One band: bucket the hashes by the band's value (a counting sort into {@code start}, with
     * each bucket's hashes and indexes side by side so a bucket is read sequentially), then for
     * each hash visit the buckets of every value within the radius.
     */
    private static void linkWithinBand(long[] hashes, int[] distinct, int maxDistance, UnionFind links,
                                       int offset, int width, int[] masks) {
        int n = hashes.length;
        int mask = (1 << width) - 1;
        int[] value = new int[n];
        int[] start = new int[(1 << width) + 1];
        for (int k = 0; k < n; k++) {
            value[k] = (int) (hashes[k] >>> offset) & mask;
            start[value[k] + 1]++;
        }
        for (int v = 0; v < (1 << width); v++) {
            start[v + 1] += start[v];
        }
        long[] memberHash = new long[n];
        int[] memberIndex = new int[n];
        int[] fill = start.clone();
        for (int k = 0; k < n; k++) {
            int slot = fill[value[k]]++;
            memberHash[slot] = hashes[k];
            memberIndex[slot] = k;
        }
        for (int k = 0; k < n; k++) {
            long hash = hashes[k];
            int own = value[k];
            for (int flip : masks) {
                int bucket = own ^ flip;
                for (int m = start[bucket], end = start[bucket + 1]; m < end; m++) {
                    // Each pair once per band: from its lower index.
                    if (memberIndex[m] > k && Long.bitCount(hash ^ memberHash[m]) <= maxDistance) {
                        links.union(distinct[k], distinct[memberIndex[m]]);
                    }
                }
            }
        }
    }

    /** Every {@code width}-bit value with at most {@code radius} bits set: the flips to look up. */
    static int[] masksWithin(int width, int radius) {
        List<Integer> masks = new ArrayList<>();
        addMasks(masks, 0, 0, width, Math.min(radius, width));
        return masks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void addMasks(List<Integer> masks, int mask, int lowestFreeBit, int width, int bitsLeft) {
        masks.add(mask);
        if (bitsLeft == 0) {
            return;
        }
        for (int bit = lowestFreeBit; bit < width; bit++) {
            addMasks(masks, mask | (1 << bit), bit + 1, width, bitsLeft - 1);
        }
    }

    private static double valuesWithin(int width, int radius) {
        double count = 0;
        double binomial = 1;
        for (int k = 0; k <= Math.min(radius, width); k++) {
            count += binomial;
            binomial = binomial * (width - k) / (k + 1);
        }
        return count;
    }

    private static List<List<String>> collect(List<HashedImage> hashed, UnionFind links) {
        Map<Integer, SortedSet<String>> uris = new HashMap<>();
        for (int i = 0; i < hashed.size(); i++) {
            int root = links.find(i);
            if (links.sizeOf(root) > 1) {
                uris.computeIfAbsent(root, r -> new TreeSet<>()).add(hashed.get(i).uri());
            }
        }
        List<List<String>> groups = new ArrayList<>();
        for (SortedSet<String> group : uris.values()) {
            if (group.size() >= 2) {
                groups.add(List.copyOf(group));
            }
        }
        groups.sort(Comparator.comparing((List<String> group) -> group.get(0)));
        return List.copyOf(groups);
    }

    /** Disjoint sets over 0..n-1 with path halving and union by size. */
    private static final class UnionFind {
        private final int[] parent;
        private final int[] size;

        UnionFind(int n) {
            parent = new int[n];
            size = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
                size[i] = 1;
            }
        }

        int find(int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        int sizeOf(int root) {
            return size[root];
        }

        void union(int a, int b) {
            int rootA = find(a);
            int rootB = find(b);
            if (rootA == rootB) {
                return;
            }
            if (size[rootA] < size[rootB]) {
                int swap = rootA;
                rootA = rootB;
                rootB = swap;
            }
            parent[rootB] = rootA;
            size[rootA] += size[rootB];
        }
    }
}
