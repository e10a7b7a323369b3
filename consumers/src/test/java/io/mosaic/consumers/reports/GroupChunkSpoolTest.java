package io.mosaic.consumers.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.schemas.NearDuplicateChunks;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupChunkSpoolTest {

    private static final String TOPIC = "mosaic.near-duplicate-groups";
    private final AvroSerde<NearDuplicateGroups> serde = new AvroSerde<>(new InMemorySchemaRegistry(), NearDuplicateGroups.class);

    @TempDir
    Path dir;

    /** Forty groups of three URIs of 25 bytes: several chunks at 1,000 bytes a chunk. */
    private static List<List<String>> groups(String tag) {
        return IntStream.range(0, 40)
                .mapToObj(g -> List.of("file:/p/" + tag + g + "-a.jpg", "file:/p/" + tag + g + "-b.jpg", "file:/p/" + tag + g + "-c.jpg"))
                .toList();
    }

    private void append(GroupChunkSpool spool, List<NearDuplicateGroups> chunks) throws IOException {
        for (NearDuplicateGroups chunk : chunks) {
            spool.append(chunk, serde.serialize(TOPIC, chunk));
        }
    }

    @Test
    void groupsAreThereOnlyOnceEveryChunkOfTheMatchingSetIs() throws IOException {
        GroupChunkSpool spool = new GroupChunkSpool(dir, serde, TOPIC);
        List<NearDuplicateGroups> first = NearDuplicateChunks.split("job", 10, groups("x"), 1_000);
        List<NearDuplicateGroups> later = NearDuplicateChunks.split("job", 11, groups("y"), 1_000);
        assertThat(first.size()).isGreaterThan(2);
        List<NearDuplicateGroups> shuffled = new ArrayList<>(first);
        Collections.reverse(shuffled);

        append(spool, shuffled.subList(0, shuffled.size() - 1));
        append(spool, later);
        assertThat(spool.groups("job", 10)).as("one chunk missing").isEmpty();
        assertThat(spool.groups("job", 11)).contains(groups("y"));
        assertThat(spool.groups("job", 12)).isEmpty();
        assertThat(spool.groups("other", 10)).isEmpty();

        // The same chunk again (appended, then the offset not committed before a crash) changes nothing.
        append(spool, List.of(shuffled.get(0), shuffled.get(shuffled.size() - 1)));
        assertThat(spool.groups("job", 10)).contains(groups("x"));
    }

    @Test
    void chunksSurviveARestartAndATornLastAppend() throws IOException {
        GroupChunkSpool spool = new GroupChunkSpool(dir, serde, TOPIC);
        List<NearDuplicateGroups> chunks = NearDuplicateChunks.split("job/1", 3, groups("z"), 1_000);
        append(spool, chunks.subList(0, chunks.size() - 1));
        spool.flush();
        // A crash in the middle of the next append leaves half a record at the end of the file.
        Path file;
        try (var files = Files.list(dir)) {
            file = files.filter(p -> p.toString().endsWith(".groups")).findFirst().orElseThrow();
        }
        Files.write(file, new byte[] {0, 0, 1, 0, 7, 7}, StandardOpenOption.APPEND);

        GroupChunkSpool restarted = new GroupChunkSpool(dir, serde, TOPIC);
        assertThat(restarted.groups("job/1", 3)).isEmpty();
        append(restarted, chunks.subList(chunks.size() - 1, chunks.size()));
        restarted.flush();
        assertThat(restarted.groups("job/1", 3)).contains(groups("z"));

        restarted.release("job/1");
        assertThat(new GroupChunkSpool(dir, serde, TOPIC).groups("job/1", 3)).contains(groups("z"));
        assertThat(restarted.groups("job/1", 3)).contains(groups("z"));
    }
}
