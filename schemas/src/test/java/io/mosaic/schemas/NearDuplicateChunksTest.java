package io.mosaic.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NearDuplicateChunksTest {

    /** Two-character URIs: 7 budget bytes each (5 of length prefix), 6 more per group. */
    private static List<String> group(String prefix, int size) {
        return IntStream.range(0, size).mapToObj(i -> prefix + i).toList();
    }

    private record Layout(List<List<List<String>>> groups, List<Boolean> continues) {
    }

    private static Layout layout(List<NearDuplicateGroups> chunks) {
        return new Layout(chunks.stream().map(NearDuplicateGroups::getGroups).toList(),
                chunks.stream().map(NearDuplicateGroups::getFirstGroupContinues).toList());
    }

    static Stream<Arguments> handWorkedLayouts() {
        List<String> a = group("a", 2);
        List<String> b = group("b", 2);
        List<String> c = group("c", 2);
        List<String> d = group("d", 2);
        List<String> e = group("e", 10);
        List<String> f = group("f", 2);
        return Stream.of(
                Arguments.of("no groups: one empty chunk", List.of(), 64,
                        new Layout(List.of(List.of()), List.of(false))),
                Arguments.of("three groups of 20 bytes fill 60 of 64; the fourth starts a chunk", List.of(a, b, c, d), 64,
                        new Layout(List.of(List.of(a, b, c), List.of(d)), List.of(false, false))),
                Arguments.of("a group of 76 bytes is cut into 8 + 2 URIs; the next group joins its last piece",
                        List.of(a, e, f), 64,
                        new Layout(List.of(List.of(a), List.of(e.subList(0, 8)), List.of(e.subList(8, 10), f)),
                                List.of(false, false, true))),
                Arguments.of("everything fits: one chunk", List.of(a, e, f), 1024,
                        new Layout(List.of(List.of(a, e, f)), List.of(false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorkedLayouts")
    void placesGroupsAsDocumented(String name, List<List<String>> groups, int maxBytes, Layout expected) {
        List<NearDuplicateGroups> chunks = NearDuplicateChunks.split("job", 7, groups, maxBytes);

        assertThat(layout(chunks)).isEqualTo(expected);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).getJobId()).isEqualTo("job");
            assertThat(chunks.get(i).getCountedResults()).isEqualTo(7);
            assertThat(chunks.get(i).getChunkIndex()).isEqualTo(i);
            assertThat(chunks.get(i).getChunkCount()).isEqualTo(chunks.size());
        }
        assertThat(NearDuplicateChunks.join(chunks)).isEqualTo(groups);
    }

    @ParameterizedTest(name = "seed {0}, {1} bytes")
    @CsvSource({"1, 64", "2, 100", "3, 300", "4, 1000", "5, 4096", "6, 65536"})
    void joinRestoresTheGroupsAndEveryChunkKeepsItsBudget(long seed, int maxBytes) throws IOException {
        Random random = new Random(seed);
        List<List<String>> groups = randomGroups(random);

        List<NearDuplicateGroups> chunks = NearDuplicateChunks.split("job-" + seed, 100, groups, maxBytes);

        for (NearDuplicateGroups chunk : chunks) {
            assertThat(encodedGroupsSize(chunk)).as("chunk %d", chunk.getChunkIndex()).isLessThanOrEqualTo(maxBytes);
        }
        // Only a group larger than a chunk may be cut: every other group is whole in one chunk.
        List<List<String>> carried = chunks.stream().flatMap(chunk -> chunk.getGroups().stream()).toList();
        for (List<String> group : groups) {
            if (NearDuplicateChunks.encodedSizeBound(group) <= maxBytes) {
                assertThat(carried).contains(group);
            }
        }
        List<NearDuplicateGroups> shuffled = new ArrayList<>(chunks);
        Collections.shuffle(shuffled, random);
        assertThat(NearDuplicateChunks.join(shuffled)).isEqualTo(groups);
    }

    @Test
    void joinRefusesAnIncompleteOrMixedSet() {
        List<List<String>> groups = List.of(group("a", 2), group("b", 2), group("c", 2), group("d", 2));
        List<NearDuplicateGroups> set = NearDuplicateChunks.split("job", 4, groups, 64);
        List<NearDuplicateGroups> otherSet = NearDuplicateChunks.split("job", 5, groups, 64);
        assertThat(set).hasSize(2);

        assertThatThrownBy(() -> NearDuplicateChunks.join(List.of(set.get(1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NearDuplicateChunks.join(List.of(set.get(0), otherSet.get(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NearDuplicateChunks.join(List.of(set.get(0), set.get(0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NearDuplicateChunks.join(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesABudgetTooSmallForAUri() {
        assertThatThrownBy(() -> NearDuplicateChunks.split("job", 0, List.of(), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Mostly pairs and triples of realistic URIs, now and then a group of hundreds. */
    private static List<List<String>> randomGroups(Random random) {
        List<List<String>> groups = new ArrayList<>();
        int count = 20 + random.nextInt(60);
        for (int g = 0; g < count; g++) {
            int size = random.nextInt(10) == 0 ? 50 + random.nextInt(400) : 2 + random.nextInt(3);
            List<String> group = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                group.add(String.format("file:/photos/%s/%05d-%d.jpg", "é".repeat(random.nextInt(3)), g, i));
            }
            groups.add(group);
        }
        return groups;
    }

    /** The Avro-encoded size of a chunk's groups: the whole record minus the same record without groups. */
    private static int encodedGroupsSize(NearDuplicateGroups chunk) throws IOException {
        NearDuplicateGroups empty = NearDuplicateGroups.newBuilder(chunk).setGroups(List.of()).build();
        return encode(chunk) - encode(empty) + 1;
    }

    private static int encode(NearDuplicateGroups record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(NearDuplicateGroups.class).write(record, encoder);
        encoder.flush();
        return out.size();
    }
}
