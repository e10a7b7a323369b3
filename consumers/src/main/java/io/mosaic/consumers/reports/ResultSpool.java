package io.mosaic.consumers.reports;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The report writer's durable store of results, one append-only file per job under
 * {@code <report-dir>/.spool/}. Appends happen before offsets are committed, so a crash can
 * append a result twice but never lose one; reading de-duplicates by task id, first one wins,
 * which is the one the aggregator counted (a job's results all sit in one partition, in order).
 */
final class ResultSpool {

    private final Path dir;
    private final AvroSerde<ImageResult> serde;
    private final String topic;
    private final Map<String, Set<String>> taskIdsByJob = new HashMap<>();

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.serde = serde;
        this.topic = topic;
    }

    /** Appends {@code raw} (the record's value bytes, wire format) to its job's file. */
    void append(String jobId, ImageResult result, byte[] raw) throws IOException {
        try (OutputStream out = Files.newOutputStream(file(jobId), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             DataOutputStream data = new DataOutputStream(out)) {
            data.writeInt(raw.length);
            data.write(raw);
        }
        distinctTaskIds(jobId).add(result.getTaskId());
    }

    /** How many distinct tasks of {@code jobId} have a result here. */
    int distinctCount(String jobId) throws IOException {
        return distinctTaskIds(jobId).size();
    }

    /** The job's results, one per task id, in the order they arrived. */
    Collection<ImageResult> results(String jobId) throws IOException {
        Map<String, ImageResult> byTask = new LinkedHashMap<>();
        Path file = file(jobId);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
                while (true) {
                    int length;
                    try {
                        length = data.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    byte[] raw = new byte[length];
                    try {
                        data.readFully(raw);
                    } catch (EOFException torn) {
                        // A crash in the middle of an append: that result was not committed and
                        // will be consumed and appended again.
                        break;
                    }
                    ImageResult result = serde.deserialize(topic, raw);
                    byTask.putIfAbsent(result.getTaskId(), result);
                }
            }
        }
        return byTask.values();
    }

    private Set<String> distinctTaskIds(String jobId) throws IOException {
        Set<String> ids = taskIdsByJob.get(jobId);
        if (ids == null) {
            truncateTornTail(file(jobId));
            ids = new java.util.HashSet<>();
            for (ImageResult r : results(jobId)) {
                ids.add(r.getTaskId());
            }
            taskIdsByJob.put(jobId, ids);
        }
        return ids;
    }

    /** Cuts off a record left half-written by a crash, so later appends stay aligned. */
    private static void truncateTornTail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        long valid = 0;
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            while (valid + 4 <= size) {
                int length = data.readInt();
                if (length < 0 || valid + 4 + length > size) {
                    break;
                }
                data.skipNBytes(length);
                valid += 4 + length;
            }
        }
        if (valid < size) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(valid);
            }
        }
    }

    private Path file(String jobId) {
        return dir.resolve(JobReport.safeFileName(jobId) + ".results");
    }
}
