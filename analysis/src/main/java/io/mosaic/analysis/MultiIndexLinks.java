package io.mosaic.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Links the images whose hashes {@link PerceptualHash#nearDuplicates} calls near, without
 * comparing every pair.
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
 * about 20 times as many pairs. Beyond 11 bits the rule itself asks for a quarter of the hash
 * within 2 bits ({@link PerceptualHash#within}), so the quarters are the bands: at the default
 * 12 bits, 100,000 images with two random hashes each group in about 1.7 s on this 2-core machine
 * (radius 3 would look up 697 values a band and took 8 s).
 */
final class MultiIndexLinks {

    /** Widest band indexed with a direct table (2^20 entries); wider bands are never chosen. */
    private static final int MAX_BAND_WIDTH = 20;
    private static final int MIN_BANDS = (Long.SIZE + MAX_BAND_WIDTH - 1) / MAX_BAND_WIDTH;

    private MultiIndexLinks() {
    }

    /** Links every pair of near-duplicates: identical ones first, then by multi-index hashing over each hash. */
    static Links link(long[] hashes, long[] wides, int maxDistance) {
        int n = hashes.length;
        Links links = new Links(n);
        // Identical hashes are linked whatever the distance; collapsing them first keeps a burst
        // of exact copies from filling one bucket and costing a quadratic number of comparisons.
        int[] order = sortedByHashes(hashes, wides);
        long[] distinctHashes = new long[n];
        long[] distinctWides = new long[n];
        int[] firstWithHash = new int[n];
        int d = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (d > 0 && hashes[i] == distinctHashes[d - 1] && wides[i] == distinctWides[d - 1]) {
                links.union(firstWithHash[d - 1], i);
            } else {
                distinctHashes[d] = hashes[i];
                distinctWides[d] = wides[i];
                firstWithHash[d++] = i;
            }
        }
        distinctHashes = Arrays.copyOf(distinctHashes, d);
        distinctWides = Arrays.copyOf(distinctWides, d);
        if (maxDistance >= Long.SIZE) {
            // No two 64-bit hashes are further apart than 64 bits: everything is linked.
            for (int i = 1; i < n; i++) {
                links.union(0, i);
            }
        } else if (d > 1) {
            linkByMultiIndex(distinctHashes, distinctWides, firstWithHash, maxDistance, links);
            if (!Arrays.equals(distinctHashes, distinctWides)) {
                linkByMultiIndex(distinctWides, distinctHashes, firstWithHash, maxDistance, links);
            }
        }
        return links;
    }

    /** The indexes 0..n-1 ordered by hash, then by wide hash (a merge sort on primitives: no boxing at a million images). */
    static int[] sortedByHashes(long[] hashes, long[] wides) {
        int n = hashes.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] scratch = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int from = 0; from < n - width; from += 2 * width) {
                int middle = from + width;
                int to = Math.min(from + 2 * width, n);
                int a = from;
                int b = middle;
                int out = from;
                while (a < middle && b < to) {
                    scratch[out++] = compare(hashes, wides, order[a], order[b]) <= 0 ? order[a++] : order[b++];
                }
                while (a < middle) {
                    scratch[out++] = order[a++];
                }
                while (b < to) {
                    scratch[out++] = order[b++];
                }
                System.arraycopy(scratch, from, order, from, to - from);
            }
        }
        return order;
    }

    private static int compare(long[] hashes, long[] wides, int a, int b) {
        int byHash = Long.compare(hashes[a], hashes[b]);
        return byHash != 0 ? byHash : Long.compare(wides[a], wides[b]);
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

    private static void linkByMultiIndex(long[] hashes, long[] others, int[] distinct, int maxDistance, Links links) {
        int bands;
        int radius;
        if (PerceptualHash.quarterRadius(maxDistance) < maxDistance / 4) {
            // Beyond 11 bits a near pair has a quarter within the quarter radius: index the quarters.
            bands = 4;
            radius = PerceptualHash.quarterRadius(maxDistance);
        } else {
            bands = bandsFor(hashes.length, maxDistance);
            radius = maxDistance / bands;
        }
        int narrowWidth = Long.SIZE / bands;
        int wideBands = Long.SIZE % bands;
        int offset = 0;
        for (int band = 0; band < bands; band++) {
            int width = band < wideBands ? narrowWidth + 1 : narrowWidth;
            linkWithinBand(hashes, others, distinct, maxDistance, links, offset, width, masksWithin(width, radius));
            offset += width;
        }
    }

    /**
     * One band: bucket the hashes by the band's value (a counting sort into {@code start}, with
     * each bucket's hashes and indexes side by side so a bucket is read sequentially), then for
     * each hash visit the buckets of every value within the radius, and link what {@link
     * PerceptualHash#nearDuplicates} calls near. {@code others} are the other hashes of the same images.
     */
    private static void linkWithinBand(long[] hashes, long[] others, int[] distinct, int maxDistance, Links links,
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
                    // The rule is symmetric in the two hashes, so the indexed one may stand first.
                    if (memberIndex[m] > k && PerceptualHash.nearDuplicates(hash, others[k], memberHash[m], others[memberIndex[m]], maxDistance)) {
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

    /** Which images are linked: disjoint sets over 0..n-1 with path halving and union by size. */
    static final class Links {
        private final int[] parent;
        private final int[] size;

        Links(int n) {
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
