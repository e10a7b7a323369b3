package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalSortTest {

    @TempDir
    Path scratch;

    @Test
    void moreRecordsThanARunHoldsComeOutSortedAndStableAndTheRunsAreDeletedOnClose() throws Exception {
        // Sorted by the first letter only: records of one letter keep the order they were added in.
        Comparator<String> byLetter = Comparator.comparing(s -> s.charAt(0));
        Random random = new Random(3);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            added.add((char) ('a' + random.nextInt(5)) + "-" + i);
        }
        List<String> expected = added.stream().sorted(byLetter).toList();

        try (ExternalSort<String> sort = new ExternalSort<>(scratch, 64, byLetter, ExternalSort.STRINGS)) {
            added.forEach(sort::add);
            List<String> first = new ArrayList<>();
            sort.forEachSorted(first::add);
            List<String> again = new ArrayList<>();
            sort.forEachSorted(again::add);

            assertThat(first).containsExactlyElementsOf(expected);
            assertThat(again).containsExactlyElementsOf(expected);
            assertThat(files()).hasSize(16);
            assertThatThrownBy(() -> sort.add("z")).isInstanceOf(IllegalStateException.class);
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void aSortThatFitsOneRunNeverTouchesTheDisk() throws Exception {
        try (ExternalSort<String> sort = new ExternalSort<>(scratch, 64, Comparator.naturalOrder(), ExternalSort.STRINGS)) {
            List.of("c", "a", "b").forEach(sort::add);
            List<String> out = new ArrayList<>();
            sort.forEachSorted(out::add);

            assertThat(out).containsExactly("a", "b", "c");
            assertThat(files()).isEmpty();
        }
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(scratch)) {
            return files.toList();
        }
    }
}
