package io.mosaic.consumers.reports;

import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The report writer's durable store of near-duplicate group chunks, next to the results: one
 * append-only file per job under {@code <report-dir>/.spool/}, buffered and written by
 * {@link #flush()} before offsets are committed, like {@link ResultSpool}. A job may have several
 * sets of chunks (one per completion, told apart by {@code countedResults}); a report needs the
 * whole set that matches its summary.
 *
 * <p>Memory does not grow with the groups: the spool remembers which chunks of which set it
 * holds (a bit each), and {@link #forEachPiece} reads them back from the file in order, one at a
 * time, when the report is written.
 */
final class GroupChunkSpool extends JobSpool<NearDuplicateGroups> {

    /** One piece of a group as a chunk holds it; {@code continuesPrevious} when it is the rest of the last group. */
    @FunctionalInterface
    interface PieceConsumer {
        void accept(List<String> piece, boolean continuesPrevious) throws IOException;
    }

    /** Which chunks of one set are here. */
    private static final class ChunkSet {
        private final int count;
        private final BitSet present = new BitSet();

        ChunkSet(int count) {
            this.count = count;
        }

        boolean complete() {
            return present.cardinality() == count;
        }
    }

    /** jobId to countedResults to the chunks of that set that are here; loaded from the job's file on first use. */
    private final Map<String, Map<Integer, ChunkSet>> setsByJob = new HashMap<>();

    GroupChunkSpool(Path dir, AvroSerde<NearDuplicateGroups> serde, String topic) throws IOException {
        super(dir, serde, topic, "groups");
    }

    /** Buffers {@code raw} (the record's value bytes, wire format) for its job's file. */
    void append(NearDuplicateGroups chunk, byte[] raw) throws IOException {
        index(sets(chunk.getJobId()), chunk);
        buffer(chunk.getJobId(), raw);
    }

    /** Whether every chunk of the set computed with {@code countedResults} results is here. */
    boolean complete(String jobId, int countedResults) throws IOException {
        ChunkSet set = sets(jobId).get(countedResults);
        return set != null && set.complete();
    }

    /**
     * Hands the pieces of that set's groups to {@code sink} in chunk order, reading the job's file
     * once (a chunk that came out of order waits in memory until its turn). The set must be
     * {@link #complete}.
     */
    void forEachPiece(String jobId, int countedResults, PieceConsumer sink) throws IOException {
        ChunkSet set = sets(jobId).get(countedResults);
        if (set == null || !set.complete()) {
            throw new IllegalStateException("the groups of job " + jobId + " at " + countedResults + " results are not all here");
        }
        TreeMap<Integer, NearDuplicateGroups> early = new TreeMap<>();
        int[] next = {0};
        written(jobId).forEach(raw -> {
            NearDuplicateGroups chunk = read(raw);
            if (chunk.getCountedResults() != countedResults || chunk.getChunkIndex() < next[0]) {
                return;
            }
            early.put(chunk.getChunkIndex(), chunk);
            while (!early.isEmpty() && early.firstKey() == next[0]) {
                NearDuplicateGroups due = early.pollFirstEntry().getValue();
                List<List<String>> pieces = due.getGroups();
                for (int g = 0; g < pieces.size(); g++) {
                    sink.accept(pieces.get(g), g == 0 && due.getFirstGroupContinues() && next[0] > 0);
                }
                next[0]++;
            }
        });
        if (next[0] != set.count) {
            throw new IllegalStateException("job " + jobId + ": " + next[0] + " of " + set.count + " chunks read back from "
                    + file(jobId));
        }
    }

    /** The set's groups joined, or empty while a chunk is missing: for small sets and tests. */
    Optional<List<List<String>>> groups(String jobId, int countedResults) throws IOException {
        if (!complete(jobId, countedResults)) {
            return Optional.empty();
        }
        List<List<String>> groups = new ArrayList<>();
        forEachPiece(jobId, countedResults, (piece, continues) -> {
            if (continues) {
                groups.get(groups.size() - 1).addAll(piece);
            } else {
                groups.add(new ArrayList<>(piece));
            }
        });
        return Optional.of(groups);
    }

    /** Drops what is known of the job's chunks from memory (they stay on disk and are read again if needed). */
    @Override
    void release(String jobId) {
        setsByJob.remove(jobId);
    }

    private static void index(Map<Integer, ChunkSet> sets, NearDuplicateGroups chunk) {
        // The same chunk twice (a crash between append and commit) is the same chunk.
        sets.computeIfAbsent(chunk.getCountedResults(), c -> new ChunkSet(chunk.getChunkCount())).present.set(chunk.getChunkIndex());
    }

    private Map<Integer, ChunkSet> sets(String jobId) throws IOException {
        Map<Integer, ChunkSet> sets = setsByJob.get(jobId);
        if (sets == null) {
            sets = new HashMap<>();
            setsByJob.put(jobId, sets);
            SpoolFile file = file(jobId);
            file.truncateTornTail();
            Map<Integer, ChunkSet> loading = sets;
            file.forEach(raw -> index(loading, read(raw)));
        }
        return sets;
    }
}
