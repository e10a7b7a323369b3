package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NearDuplicateGrouperTest {

    private static HashedImage image(String uri, long hash) {
        return HashedImage.withHash(uri, hash, false);
    }

    private static HashedImage images(String uri, long hash, long wideHash) {
        return HashedImage.withHashes(uri, hash, wideHash, false);
    }

    static Stream<Arguments> handWorkedCases() {
        return Stream.of(
                Arguments.of("exactly at the distance: linked",
                        List.of(image("b", 0L), image("a", 0b111L)), 3,
                        List.of(List.of("a", "b"))),
                Arguments.of("one bit beyond the distance: apart",
                        List.of(image("b", 0L), image("a", 0b1111L)), 3,
                        List.of()),
                Arguments.of("distance zero links only identical hashes",
                        List.of(image("x", 42L), image("y", 42L), image("z", 43L)), 0,
                        List.of(List.of("x", "y"))),
                Arguments.of("a chain is one group although its ends are far apart",
                        List.of(image("c", 0b1111_0000L), image("a", 0L), image("b", 0b0011_0000L)), 2,
                        List.of(List.of("a", "b", "c"))),
                Arguments.of("high bits count like low bits",
                        List.of(image("hi", 0x8000_0000_0000_0000L), image("lo", 0L), image("far", -1L)), 1,
                        List.of(List.of("hi", "lo"))),
                Arguments.of("groups sorted by their first URI, singletons dropped",
                        List.of(image("q", 0xFFFF_0000L), image("p", 0xFFFF_0001L), image("m", 0x00FF_00FF_00FF_0000L),
                                image("c", 0L), image("d", 1L)), 1,
                        List.of(List.of("c", "d"), List.of("p", "q"))),
                Arguments.of("images without a hash are never grouped",
                        List.of(image("a", 0L), HashedImage.withoutHash("b", true)), 64,
                        List.of()),
                Arguments.of("the same URI twice is not a group",
                        List.of(image("a", 0L), image("a", 1L)), 5,
                        List.of()),
                Arguments.of("64 bits links every pair",
                        List.of(image("a", 0L), image("b", -1L), image("c", 0x5555_5555_5555_5555L)), 64,
                        List.of(List.of("a", "b", "c"))),
                Arguments.of("63 bits links all but exact complements",
                        List.of(image("a", 0L), image("b", -1L)), 63,
                        List.of()),
                Arguments.of("the wide hashes alone link: centres 4 bits apart, wide ones 3 (7 in all, at most 7)",
                        List.of(images("a", 0L, 0L), images("b", 0b1111L, 0b111L)), 3,
                        List.of(List.of("a", "b"))),
                Arguments.of("the centres alone link: 3 bits apart, wide hashes 4 (7 in all)",
                        List.of(images("a", 0L, 0L), images("b", 0b111L, 0b1111L)), 3,
                        List.of(List.of("a", "b"))),
                Arguments.of("one pair within the distance but both together too far: apart",
                        List.of(images("a", 0L, 0L), images("b", 0b111L, 0b1_1111L)), 3,
                        List.of()),
                Arguments.of("12 bits, 3 in every quarter: beyond 11 bits a quarter must be within 2, so apart",
                        List.of(image("a", 0L), image("b", 0x0007_0007_0007_0007L)), 12,
                        List.of()),
                Arguments.of("12 bits, 2 in one quarter: linked",
                        List.of(image("a", 0L), image("b", 0x0003_000F_0007_0007L)), 12,
                        List.of(List.of("a", "b"))),
                Arguments.of("neither pair within the distance though together they would be: apart",
                        List.of(images("a", 0L, 0L), images("b", 0b1111L, 0b1111L)), 3,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorkedCases")
    void groupsHandWorkedCases(String name, List<HashedImage> images, int distance, List<List<String>> expected) {
        assertThat(NearDuplicateGrouper.groups(images, distance)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "seed {0}, distance {1}")
    @CsvSource({
        "1, 0", "2, 1", "3, 3", "4, 5", "5, 10", "6, 10", "7, 12", "8, 20", "9, 31", "10, 63",
    })
    void agreesWithAllPairsComparison(long seed, int distance) {
        List<HashedImage> images = imagesWithPlantedNearDuplicates(new Random(seed), distance);

        List<List<String>> expected = allPairsGroups(images, distance);
        List<List<String>> actual = NearDuplicateGrouper.groups(images, distance);

        assertThat(expected).as("the planted near-duplicates must make some groups").isNotEmpty();
        assertThat(actual).isEqualTo(expected);
    }

    /**
     * Large enough that the grouper looks up neighbouring band values (4 bands of 16 bits, radius
     * up to 2) rather than exact ones: still exactly the all-pairs answer.
     */
    @ParameterizedTest(name = "seed {0}, distance {1}")
    @CsvSource({"21, 6", "22, 10", "23, 12"})
    void agreesWithAllPairsComparisonAtScale(long seed, int distance) {
        Random random = new Random(seed);
        List<HashedImage> images = new ArrayList<>();
        for (int base = 0; base < 8_000; base++) {
            long hash = random.nextLong();
            images.add(image(String.format("file:/img/%05d.jpg", base), hash));
            if (base % 10 == 0) {
                images.add(image(String.format("file:/img/%05d-copy.jpg", base), flipBits(hash, random.nextInt(distance + 3), random)));
            }
        }
        assertThat(MultiIndexLinks.bandsFor(images.size(), distance)).isLessThan(distance + 1);

        List<List<String>> expected = allPairsGroups(images, distance);

        assertThat(expected).hasSizeGreaterThan(200);
        assertThat(NearDuplicateGrouper.groups(images, distance)).isEqualTo(expected);
    }

    /**
     * Centre and wide hashes that move apart independently, as under a crop: pairs linked by one
     * hash, by the other, by both, and pairs close in one but too far in all.
     */
    @ParameterizedTest(name = "seed {0}, distance {1}")
    @CsvSource({"41, 3, 120", "42, 10, 120", "43, 12, 120", "44, 12, 4000", "45, 16, 120"})
    void agreesWithAllPairsComparisonWithTwoHashes(long seed, int distance, int bases) {
        Random random = new Random(seed);
        List<HashedImage> images = new ArrayList<>();
        for (int base = 0; base < bases; base++) {
            long hash = random.nextLong();
            long wide = random.nextLong();
            images.add(images(String.format("file:/img/%05d.jpg", base), hash, wide));
            for (int copy = random.nextInt(4); copy > 0; copy--) {
                images.add(images(String.format("file:/img/%05d-copy%d.jpg", base, copy),
                        flipBits(hash, random.nextInt(2 * distance + 2), random), flipBits(wide, random.nextInt(2 * distance + 2), random)));
            }
        }
        List<List<String>> expected = allPairsGroups(images, distance);

        assertThat(expected).as("the planted near-duplicates must make some groups").hasSizeGreaterThan(bases / 10);
        assertThat(NearDuplicateGrouper.groups(images, distance)).isEqualTo(expected);
    }

    @Test
    void groupsSortedOnDiskInSmallRunsAreTheSameAndTheScratchFilesGo(@TempDir Path dir) {
        List<HashedImage> images = imagesWithPlantedNearDuplicates(new Random(31), 10);
        Collections.shuffle(images, new Random(32));
        List<List<String>> expected = allPairsGroups(images, 10);
        Path scratch = dir.resolve("scratch");

        try (NearDuplicateGrouper.Groups groups = NearDuplicateGrouper.group(images::forEach, 10, scratch, 3)) {
            List<List<String>> first = new ArrayList<>();
            groups.forEach(first::add);
            List<List<String>> again = new ArrayList<>();
            groups.forEach(again::add);

            assertThat(first).isEqualTo(expected).isEqualTo(again).hasSize(groups.count());
            assertThat(scratch).as("runs of 3 go to disk").isNotEmptyDirectory();
        }
        assertThat(scratch).doesNotExist();
    }

    @ParameterizedTest(name = "{0} bits, radius {1}: {2} values")
    @CsvSource({"16, 2, 137", "16, 0, 1", "6, 1, 7", "13, 3, 378", "3, 5, 8"})
    void looksUpEveryBandValueWithinTheRadius(int width, int radius, int expectedCount) {
        int[] masks = MultiIndexLinks.masksWithin(width, radius);

        assertThat(masks).hasSize(expectedCount).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(masks).boxed().toList()).allSatisfy(mask -> {
            assertThat(Integer.bitCount(mask)).isLessThanOrEqualTo(radius);
            assertThat(mask >>> width).isZero();
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"11", "12", "13"})
    void resultDoesNotDependOnArrivalOrder(long seed) {
        Random random = new Random(seed);
        List<HashedImage> images = imagesWithPlantedNearDuplicates(random, 10);
        List<List<String>> reference = NearDuplicateGrouper.groups(images, 10);

        for (int round = 0; round < 5; round++) {
            List<HashedImage> shuffled = new ArrayList<>(images);
            Collections.shuffle(shuffled, random);
            assertThat(NearDuplicateGrouper.groups(shuffled, 10)).isEqualTo(reference);
        }
    }

    @Test
    void refusesNegativeDistance() {
        assertThatThrownBy(() -> NearDuplicateGrouper.groups(List.of(), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random hashes, some of them with copies that differ by a few random bits: some copies
     * within the distance, some just beyond it, so both sides of the threshold are exercised.
     */
    private static List<HashedImage> imagesWithPlantedNearDuplicates(Random random, int distance) {
        List<HashedImage> images = new ArrayList<>();
        for (int base = 0; base < 120; base++) {
            long hash = random.nextLong();
            images.add(image(String.format("file:/img/%03d.jpg", base), hash));
            int copies = random.nextInt(4);
            for (int copy = 0; copy < copies; copy++) {
                int flips = random.nextInt(distance + 3);
                images.add(image(String.format("file:/img/%03d-copy%d.jpg", base, copy), flipBits(hash, flips, random)));
            }
        }
        return images;
    }

    private static long flipBits(long hash, int count, Random random) {
        List<Integer> bits = new ArrayList<>();
        for (int bit = 0; bit < Long.SIZE; bit++) {
            bits.add(bit);
        }
        Collections.shuffle(bits, random);
        for (int i = 0; i < Math.min(count, Long.SIZE); i++) {
            hash ^= 1L << bits.get(i);
        }
        return hash;
    }

    /** The reference: compare every pair, then collect connected components by search. */
    private static List<List<String>> allPairsGroups(List<HashedImage> images, int distance) {
        int n = images.size();
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            neighbours.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                HashedImage a = images.get(i);
                HashedImage b = images.get(j);
                if (PerceptualHash.nearDuplicates(a.hash(), a.wideHash(), b.hash(), b.wideHash(), distance)) {
                    neighbours.get(i).add(j);
                    neighbours.get(j).add(i);
                }
            }
        }
        boolean[] visited = new boolean[n];
        List<List<String>> groups = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            if (visited[start]) {
                continue;
            }
            TreeSet<String> uris = new TreeSet<>();
            Deque<Integer> queue = new ArrayDeque<>(List.of(start));
            visited[start] = true;
            while (!queue.isEmpty()) {
                int at = queue.poll();
                uris.add(images.get(at).uri());
                for (int next : neighbours.get(at)) {
                    if (!visited[next]) {
                        visited[next] = true;
                        queue.add(next);
                    }
                }
            }
            if (uris.size() > 1) {
                groups.add(new ArrayList<>(uris));
            }
        }
        groups.sort(Comparator.comparing(group -> group.get(0)));
        return groups;
    }
}
