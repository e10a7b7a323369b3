package io.mosaic.consumers.reports;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The report writer's durable store of results, one append-only file per job under
 * {@code <report-dir>/.spool/}. Appends are buffered and written by {@link #flush()}, which the
 * writer calls before it commits offsets, so a crash can append a result twice but never lose
 * one; reading de-duplicates by task id, first one wins, which is the one the aggregator counted
 * (a job's results all sit in one partition, in order).
 *
 * <p>Memory does not grow with a job: the spool counts records (duplicates included) rather than
 * remembering task ids, and {@link #forEachSorted} sorts a job's results by URI the way databases
 * sort more than fits in memory: runs of {@value #RUN} results sorted in memory and written to
 * files of their own, then merged.
 */
final class ResultSpool {

    /** Results sorted in memory at a time: a few megabytes. */
    static final int RUN = 20_000;

    /** A step of a report that may fail writing. */
    @FunctionalInterface
    interface ResultConsumer {
        void accept(ImageResult result) throws IOException;
    }

    private final Path dir;
    private final AvroSerde<ImageResult> serde;
    private final String topic;
    private final int run;
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, List<byte[]>> pending = new LinkedHashMap<>();

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic) throws IOException {
        this(dir, serde, topic, RUN);
    }

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic, int run) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.serde = serde;
        this.topic = topic;
        this.run = run;
    }

    /** Buffers {@code raw} (the record's value bytes, wire format) for its job's file. */
    void append(String jobId, byte[] raw) throws IOException {
        counts.put(jobId, count(jobId) + 1);
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
        counts.remove(jobId);
        file(jobId).delete();
    }

    /** Forgets the job's count (its file stays): for a job whose report is written. */
    void release(String jobId) {
        counts.remove(jobId);
    }

    /** How many results of {@code jobId} are here, a task's repeats included: at least the distinct ones. */
    int count(String jobId) throws IOException {
        Integer count = counts.get(jobId);
        if (count == null) {
            SpoolFile file = file(jobId);
            file.truncateTornTail();
            count = file.count();
            counts.put(jobId, count);
        }
        return count;
    }

    /**
     * Hands the job's results to {@code sink} sorted by URI, one per task id (the first that
     * arrived); returns how many.
     */
    int forEachSorted(String jobId, ResultConsumer sink) throws IOException {
        List<Path> runs = new ArrayList<>();
        List<Entry> buffer = new ArrayList<>();
        try {
            long[] sequence = {0};
            file(jobId).forEach(raw -> {
                buffer.add(new Entry(serde.deserialize(topic, raw), raw, sequence[0]++));
                if (buffer.size() == run) {
                    runs.add(writeRun(jobId, runs.size(), buffer));
                    buffer.clear();
                }
            });
            if (runs.isEmpty()) {
                buffer.sort(Entry.ORDER);
                return emitDistinct(buffer.iterator(), sink);
            }
            if (!buffer.isEmpty()) {
                runs.add(writeRun(jobId, runs.size(), buffer));
                buffer.clear();
            }
            return merge(runs, sink);
        } finally {
            for (Path file : runs) {
                Files.deleteIfExists(file);
            }
        }
    }

    private Path writeRun(String jobId, int index, List<Entry> entries) throws IOException {
        entries.sort(Entry.ORDER);
        Path path = dir.resolve(JobReport.safeFileName(jobId) + ".run-" + index);
        Files.deleteIfExists(path);
        new SpoolFile(path).append(entries.stream().map(Entry::raw).toList());
        return path;
    }

    /** Merges sorted runs, reading each a record at a time; equal keys come out in run order, so the first arrival still wins. */
    private int merge(List<Path> runs, ResultConsumer sink) throws IOException {
        List<SpoolFile.Reader> readers = new ArrayList<>();
        try {
            PriorityQueue<Entry> heads = new PriorityQueue<>(Entry.ORDER);
            for (int r = 0; r < runs.size(); r++) {
                readers.add(new SpoolFile(runs.get(r)).reader());
                advance(heads, readers.get(r), r);
            }
            int emitted = 0;
            String lastTask = null;
            while (!heads.isEmpty()) {
                Entry head = heads.poll();
                advance(heads, readers.get((int) head.sequence()), (int) head.sequence());
                if (!head.result().getTaskId().equals(lastTask)) {
                    sink.accept(head.result());
                    emitted++;
                    lastTask = head.result().getTaskId();
                }
            }
            return emitted;
        } finally {
            for (SpoolFile.Reader reader : readers) {
                reader.close();
            }
        }
    }

    private void advance(PriorityQueue<Entry> heads, SpoolFile.Reader reader, int runIndex) throws IOException {
        byte[] raw = reader.next();
        if (raw != null) {
            heads.add(new Entry(serde.deserialize(topic, raw), raw, runIndex));
        }
    }

    private static int emitDistinct(Iterator<Entry> sorted, ResultConsumer sink) throws IOException {
        int emitted = 0;
        String lastTask = null;
        while (sorted.hasNext()) {
            ImageResult result = sorted.next().result();
            if (!result.getTaskId().equals(lastTask)) {
                sink.accept(result);
                emitted++;
                lastTask = result.getTaskId();
            }
        }
        return emitted;
    }

    /** A result, its bytes, and where it came from: its arrival within a run, or the run itself when merging. */
    private record Entry(ImageResult result, byte[] raw, long sequence) {
        static final Comparator<Entry> ORDER = Comparator.comparing((Entry e) -> e.result().getUri())
                .thenComparing(e -> e.result().getTaskId())
                .thenComparingLong(Entry::sequence);
    }

    private SpoolFile file(String jobId) {
        return new SpoolFile(dir.resolve(JobReport.safeFileName(jobId) + ".results"));
    }
}
