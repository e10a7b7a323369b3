package io.mosaic.consumers.reports;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report writer's durable store of results, one append-only file per job under
 * {@code <report-dir>/.spool/}. Appends are buffered and written by {@link #flush()}, which the
 * writer calls before it commits offsets, so a crash can append a result twice but never lose
 * one; reading de-duplicates by task id, first one wins, which is the one the aggregator counted
 * (a job's results all sit in one partition, in order).
 */
final class ResultSpool {

    private final Path dir;
    private final AvroSerde<ImageResult> serde;
    private final String topic;
    private final Map<String, Set<String>> taskIdsByJob = new HashMap<>();
    private final Map<String, List<byte[]>> pending = new LinkedHashMap<>();

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.serde = serde;
        this.topic = topic;
    }

    /** Buffers {@code raw} (the record's value bytes, wire format) for its job's file. */
    void append(String jobId, ImageResult result, byte[] raw) throws IOException {
        distinctTaskIds(jobId).add(result.getTaskId());
        pending.computeIfAbsent(jobId, j -> new ArrayList<>()).add(raw);
    }

    /** Writes every buffered result to its job's file. */
    void flush() throws IOException {
        for (Map.Entry<String, List<byte[]>> job : pending.entrySet()) {
            file(job.getKey()).append(job.getValue());
        }
        pending.clear();
    }

    /** Forgets the job and deletes its file. */
    void discard(String jobId) throws IOException {
        pending.remove(jobId);
        taskIdsByJob.remove(jobId);
        file(jobId).delete();
    }

    /** How many distinct tasks of {@code jobId} have a result here. */
    int distinctCount(String jobId) throws IOException {
        return distinctTaskIds(jobId).size();
    }

    /** The job's results written so far, one per task id, in the order they arrived. */
    Collection<ImageResult> results(String jobId) throws IOException {
        Map<String, ImageResult> byTask = new LinkedHashMap<>();
        for (byte[] raw : file(jobId).readAll()) {
            ImageResult result = serde.deserialize(topic, raw);
            byTask.putIfAbsent(result.getTaskId(), result);
        }
        return byTask.values();
    }

    private Set<String> distinctTaskIds(String jobId) throws IOException {
        Set<String> ids = taskIdsByJob.get(jobId);
        if (ids == null) {
            file(jobId).truncateTornTail();
            ids = new HashSet<>();
            for (ImageResult r : results(jobId)) {
                ids.add(r.getTaskId());
            }
            taskIdsByJob.put(jobId, ids);
        }
        return ids;
    }

    private SpoolFile file(String jobId) {
        return new SpoolFile(dir.resolve(JobReport.safeFileName(jobId) + ".results"));
    }
}
