package io.mosaic.streams;

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
 * <p>Comparing every pair is quadratic. Instead the 64 bits are cut into {@code maxDistance + 1}
 * bands: two hashes that differ in at most {@code maxDistance} bits cannot differ in every band
 * (pigeonhole), so they agree exactly on at least one. Hashes are bucketed by (band, band value)
 * and only hashes sharing a bucket are compared.
 */
public final class NearDuplicateGrouper {

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
        List<Integer> distinct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer first = firstWithHash.putIfAbsent(hashed.get(i).hash(), i);
            if (first == null) {
                distinct.add(i);
            } else {
                links.union(first, i);
            }
        }

        if (maxDistance >= Long.SIZE) {
            // No two 64-bit hashes are further apart than 64 bits: everything is linked.
            distinct.forEach(i -> links.union(distinct.get(0), i));
        } else {
            linkByBands(hashed, distinct, maxDistance, links);
        }

        Map<Integer, SortedSet<String>> uris = new HashMap<>();
        for (int i = 0; i < n; i++) {
            uris.computeIfAbsent(links.find(i), root -> new TreeSet<>()).add(hashed.get(i).uri());
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

    private static void linkByBands(List<HashedImage> hashed, List<Integer> candidates, int maxDistance, UnionFind links) {
        int bands = maxDistance + 1;
        int narrowWidth = Long.SIZE / bands;
        int wideBands = Long.SIZE % bands;
        int offset = 0;
        for (int band = 0; band < bands; band++) {
            int width = band < wideBands ? narrowWidth + 1 : narrowWidth;
            long mask = width == Long.SIZE ? -1L : (1L << width) - 1;
            Map<Long, List<Integer>> buckets = new HashMap<>();
            for (int i : candidates) {
                long value = (hashed.get(i).hash() >>> offset) & mask;
                buckets.computeIfAbsent(value, v -> new ArrayList<>()).add(i);
            }
            for (List<Integer> bucket : buckets.values()) {
                linkWithin(hashed, bucket, maxDistance, links);
            }
            offset += width;
        }
    }

    private static void linkWithin(List<HashedImage> hashed, List<Integer> bucket, int maxDistance, UnionFind links) {
        for (int a = 0; a < bucket.size(); a++) {
            int i = bucket.get(a);
            long hash = hashed.get(i).hash();
            for (int b = a + 1; b < bucket.size(); b++) {
                int j = bucket.get(b);
                if (links.find(i) != links.find(j) && Long.bitCount(hash ^ hashed.get(j).hash()) <= maxDistance) {
                    links.union(i, j);
                }
            }
        }
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
