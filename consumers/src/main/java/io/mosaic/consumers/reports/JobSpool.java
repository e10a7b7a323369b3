package io.mosaic.consumers.reports;

import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One append-only file per job under {@code <report-dir>/.spool/} for one kind of record, with
 * appends buffered until {@link #flush()}, which the report writer calls before it commits
 * offsets: a crash can append a record twice but never lose one. What {@link ResultSpool} and
 * {@link GroupChunkSpool} share; each keeps its own index of what its files hold.
 *
 * @param <T> the record, read back with the serde it was written with
 */
abstract class JobSpool<T extends SpecificRecord> {

    final Path dir;
    private final AvroSerde<T> serde;
    private final String topic;
    private final String suffix;
    private final Map<String, List<byte[]>> pending = new LinkedHashMap<>();

    JobSpool(Path dir, AvroSerde<T> serde, String topic, String suffix) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.serde = serde;
        this.topic = topic;
        this.suffix = suffix;
    }

    /** Buffers {@code raw} (a record's value bytes, wire format) for its job's file. */
    final void buffer(String jobId, byte[] raw) {
        pending.computeIfAbsent(jobId, j -> new ArrayList<>()).add(raw);
    }

    /** Writes every buffered record to its job's file. */
    final void flush() throws IOException {
        for (Map.Entry<String, List<byte[]>> job : pending.entrySet()) {
            file(job.getKey()).append(job.getValue());
        }
        pending.clear();
    }

    /** Forgets the job and deletes its file. */
    final void discard(String jobId) throws IOException {
        pending.remove(jobId);
        release(jobId);
        file(jobId).delete();
    }

    /** Drops what is kept in memory about the job; its file stays. */
    abstract void release(String jobId);

    /** The job's file with its buffered records written: what reading it must start from. */
    final SpoolFile written(String jobId) throws IOException {
        List<byte[]> unwritten = pending.remove(jobId);
        if (unwritten != null) {
            file(jobId).append(unwritten);
        }
        return file(jobId);
    }

    final SpoolFile file(String jobId) {
        return new SpoolFile(dir.resolve(JobReport.safeFileName(jobId) + "." + suffix));
    }

    final T read(byte[] raw) {
        return serde.deserialize(topic, raw);
    }
}
