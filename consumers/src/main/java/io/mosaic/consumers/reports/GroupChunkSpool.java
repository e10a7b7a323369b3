package io.mosaic.consumers.reports;

import io.mosaic.schemas.NearDuplicateChunks;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 */
final class GroupChunkSpool {

    private final Path dir;
    private final AvroSerde<NearDuplicateGroups> serde;
    private final String topic;
    /** jobId to countedResults to chunkIndex to chunk; loaded from the job's file on first use. */
    private final Map<String, Map<Integer, Map<Integer, NearDuplicateGroups>>> chunksByJob = new HashMap<>();
    private final Map<String, List<byte[]>> pending = new LinkedHashMap<>();

    GroupChunkSpool(Path dir, AvroSerde<NearDuplicateGroups> serde, String topic) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.serde = serde;
        this.topic = topic;
    }

    /** Buffers {@code raw} (the record's value bytes, wire format) for its job's file. */
    void append(NearDuplicateGroups chunk, byte[] raw) throws IOException {
        index(chunk.getJobId(), chunk);
        pending.computeIfAbsent(chunk.getJobId(), j -> new ArrayList<>()).add(raw);
    }

    /** Writes every buffered chunk to its job's file. */
    void flush() throws IOException {
        for (Map.Entry<String, List<byte[]>> job : pending.entrySet()) {
            file(job.getKey()).append(job.getValue());
        }
        pending.clear();
    }

    /**
     * The job's groups as computed with {@code countedResults} results, once every chunk of that
     * set is here; empty while one is missing.
     */
    Optional<List<List<String>>> groups(String jobId, int countedResults) throws IOException {
        Map<Integer, NearDuplicateGroups> set = sets(jobId).get(countedResults);
        if (set == null || set.isEmpty() || set.size() < set.values().iterator().next().getChunkCount()) {
            return Optional.empty();
        }
        return Optional.of(NearDuplicateChunks.join(set.values()));
    }

    /** Forgets the job and deletes its file. */
    void discard(String jobId) throws IOException {
        pending.remove(jobId);
        chunksByJob.remove(jobId);
        file(jobId).delete();
    }

    /** Drops the job's chunks from memory (they stay on disk and are read again if needed). */
    void release(String jobId) {
        chunksByJob.remove(jobId);
    }

    private void index(String jobId, NearDuplicateGroups chunk) throws IOException {
        sets(jobId).computeIfAbsent(chunk.getCountedResults(), c -> new TreeMap<>())
                // The same chunk twice (a crash between append and commit) is the same chunk.
                .put(chunk.getChunkIndex(), chunk);
    }

    private Map<Integer, Map<Integer, NearDuplicateGroups>> sets(String jobId) throws IOException {
        Map<Integer, Map<Integer, NearDuplicateGroups>> sets = chunksByJob.get(jobId);
        if (sets == null) {
            sets = new HashMap<>();
            chunksByJob.put(jobId, sets);
            SpoolFile file = file(jobId);
            file.truncateTornTail();
            for (byte[] raw : file.readAll()) {
                NearDuplicateGroups chunk = serde.deserialize(topic, raw);
                sets.computeIfAbsent(chunk.getCountedResults(), c -> new TreeMap<>()).put(chunk.getChunkIndex(), chunk);
            }
        }
        return sets;
    }

    private SpoolFile file(String jobId) {
        return new SpoolFile(dir.resolve(JobReport.safeFileName(jobId) + ".groups"));
    }
}
