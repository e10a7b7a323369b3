package io.mosaic.schemas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a job's near-duplicate groups travel as {@link NearDuplicateGroups} chunks: the aggregator
 * cuts them with {@link #split}, the report writer puts them back together with {@link #join}.
 * Both sides live here so they cannot disagree.
 *
 * <p>Why chunks: a Kafka record is limited to 1 MB by default, and at 100,000 images the groups
 * of a job can be larger than that. Each chunk's groups encode to at most {@code maxBytes}
 * (an upper bound on their Avro encoding: every URI's UTF-8 bytes plus the largest length prefix,
 * every group's block count and end marker).
 *
 * <p>How a group is placed: whole groups fill a chunk in order; a group that does not fit in
 * what is left starts the next chunk. Only a group larger than a whole chunk spans chunks: it
 * starts a chunk of its own, is cut into consecutive pieces, and every chunk that begins with a
 * later piece says so with {@code firstGroupContinues}. A single URI larger than a chunk still
 * goes into one piece (URIs are far shorter than a chunk in practice).
 */
public final class NearDuplicateChunks {

    /** Largest Avro length prefix of a string (a varint of an int). */
    private static final int STRING_OVERHEAD = 5;
    /** A group's array block count (varint) and end-of-array marker. */
    private static final int GROUP_OVERHEAD = 6;
    /** Below this a chunk could hardly hold a URI; a budget this small is a mistake. */
    public static final int MIN_CHUNK_BYTES = 64;

    private NearDuplicateChunks() {
    }

    /** Groups read in order, and again in the same order: the split reads them twice. */
    @FunctionalInterface
    public interface Groups {
        void forEach(Consumer<List<String>> group);
    }

    /**
     * Cuts {@code groups} into chunks of at most {@code maxBytes} each. Always at least one chunk,
     * so a reader waiting for a job's chunks knows when it has them all, groups or none.
     */
    public static List<NearDuplicateGroups> split(String jobId, int countedResults, List<List<String>> groups, int maxBytes) {
        List<NearDuplicateGroups> chunks = new ArrayList<>();
        split(jobId, countedResults, groups::forEach, maxBytes, chunks::add);
        return chunks;
    }

    /**
     * Cuts {@code groups} into chunks as {@link #split(String, int, List, int)} does, handing each
     * to {@code out} as soon as it is full: the groups are read once to count the chunks (every
     * chunk says how many there are) and once to fill them, so only one chunk and one group are
     * held at a time.
     */
    public static void split(String jobId, int countedResults, Groups groups, int maxBytes, Consumer<NearDuplicateGroups> out) {
        if (maxBytes < MIN_CHUNK_BYTES) {
            throw new IllegalArgumentException("a chunk must hold at least " + MIN_CHUNK_BYTES + " bytes, got " + maxBytes);
        }
        int[] count = {0};
        Splitter counting = new Splitter(maxBytes, piece -> count[0]++);
        groups.forEach(counting::add);
        counting.finish();
        int[] index = {0};
        Splitter filling = new Splitter(maxBytes, piece -> out.accept(NearDuplicateGroups.newBuilder()
                .setJobId(jobId)
                .setCountedResults(countedResults)
                .setChunkIndex(index[0]++)
                .setChunkCount(count[0])
                .setFirstGroupContinues(piece.firstGroupContinues)
                .setGroups(piece.groups)
                .build()));
        groups.forEach(filling::add);
        filling.finish();
        if (index[0] != count[0]) {
            throw new IllegalStateException("the groups read twice gave " + count[0] + " then " + index[0] + " chunks");
        }
    }

    /**
     * The groups of one complete set of chunks, in any order.
     *
     * @throws IllegalArgumentException when the chunks are not exactly one whole set (a chunk
     *     missing or repeated, or chunks of different jobs or different sets mixed)
     */
    public static List<List<String>> join(Collection<NearDuplicateGroups> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no chunks to join");
        }
        List<NearDuplicateGroups> ordered = chunks.stream().sorted(Comparator.comparingInt(NearDuplicateGroups::getChunkIndex)).toList();
        NearDuplicateGroups first = ordered.get(0);
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            NearDuplicateGroups chunk = ordered.get(i);
            if (chunk.getChunkIndex() != i || chunk.getChunkCount() != ordered.size()
                    || !chunk.getJobId().equals(first.getJobId()) || chunk.getCountedResults() != first.getCountedResults()) {
                throw new IllegalArgumentException("not one whole set of chunks: chunk " + chunk.getChunkIndex() + " of "
                        + chunk.getChunkCount() + " (job " + chunk.getJobId() + ", " + chunk.getCountedResults()
                        + " results) at position " + i + " of " + ordered.size());
            }
            List<List<String>> pieces = chunk.getGroups();
            for (int g = 0; g < pieces.size(); g++) {
                if (g == 0 && chunk.getFirstGroupContinues() && !groups.isEmpty()) {
                    groups.get(groups.size() - 1).addAll(pieces.get(g));
                } else {
                    groups.add(new ArrayList<>(pieces.get(g)));
                }
            }
        }
        return groups;
    }

    /** The bound on a group's encoded size that {@link #split} budgets with. */
    static int encodedSizeBound(List<String> group) {
        int size = GROUP_OVERHEAD;
        for (String uri : group) {
            size += uriSize(uri);
        }
        return size;
    }

    private static int uriSize(String uri) {
        return STRING_OVERHEAD + uri.getBytes(StandardCharsets.UTF_8).length;
    }

    private record Piece(List<List<String>> groups, boolean firstGroupContinues) {
    }

    /** Fills chunks one after the other, handing each to {@code out} when it is closed. */
    private static final class Splitter {
        private final int maxBytes;
        private final Consumer<Piece> out;
        private int emitted;
        private List<List<String>> current = new ArrayList<>();
        private int currentBytes;
        private boolean currentContinues;

        Splitter(int maxBytes, Consumer<Piece> out) {
            this.maxBytes = maxBytes;
            this.out = out;
        }

        void add(List<String> group) {
            int size = encodedSizeBound(group);
            if (size <= maxBytes) {
                if (currentBytes + size > maxBytes) {
                    close();
                }
                current.add(List.copyOf(group));
                currentBytes += size;
                return;
            }
            close();
            List<String> piece = new ArrayList<>();
            int pieceBytes = GROUP_OVERHEAD;
            for (String uri : group) {
                int uriSize = uriSize(uri);
                if (pieceBytes + uriSize > maxBytes && !piece.isEmpty()) {
                    current.add(piece);
                    close();
                    currentContinues = true;
                    piece = new ArrayList<>();
                    pieceBytes = GROUP_OVERHEAD;
                }
                piece.add(uri);
                pieceBytes += uriSize;
            }
            current.add(piece);
            currentBytes = pieceBytes;
        }

        private void close() {
            if (!current.isEmpty()) {
                out.accept(new Piece(current, currentContinues));
                emitted++;
            }
            current = new ArrayList<>();
            currentBytes = 0;
            currentContinues = false;
        }

        void finish() {
            close();
            if (emitted == 0) {
                out.accept(new Piece(List.of(), false));
                emitted++;
            }
        }
    }
}
