package io.mosaic.consumers.reports;

import io.mosaic.analysis.ExternalSort;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The report writer's durable store of results, one append-only file per job under
 * {@code <report-dir>/.spool/}. Appends are buffered and written by {@link #flush()}, which the
 * writer calls before it commits offsets, so a crash can append a result twice but never lose
 * one; reading de-duplicates by task id, first one wins, which is the one the aggregator counted
 * (a job's results all sit in one partition, in order).
 *
 * <p>Memory does not grow with a job: the spool counts records (duplicates included) rather than
 * remembering task ids, and {@link #forEachSorted} sorts a job's results by URI with
 * {@link ExternalSort}, {@value #RUN} results in memory at a time.
 */
final class ResultSpool extends JobSpool<ImageResult> {

    /** Results sorted in memory at a time: a few megabytes. */
    static final int RUN = 20_000;

    /** A step of a report that may fail writing. */
    @FunctionalInterface
    interface ResultConsumer {
        void accept(ImageResult result) throws IOException;
    }

    private final int run;
    private final Map<String, Integer> counts = new HashMap<>();

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic) throws IOException {
        this(dir, serde, topic, RUN);
    }

    ResultSpool(Path dir, AvroSerde<ImageResult> serde, String topic, int run) throws IOException {
        super(dir, serde, topic, "results");
        this.run = run;
    }

    /** Buffers {@code raw} (the record's value bytes, wire format) for its job's file. */
    void append(String jobId, byte[] raw) throws IOException {
        counts.put(jobId, count(jobId) + 1);
        buffer(jobId, raw);
    }

    /** Forgets the job's count (its file stays): for a job whose report is written. */
    @Override
    void release(String jobId) {
        counts.remove(jobId);
    }

    /** How many results of {@code jobId} are here, a task's repeats included: at least the distinct ones. */
    int count(String jobId) throws IOException {
        Integer count = counts.get(jobId);
        if (count == null) {
            count = file(jobId).truncateTornTail();
            counts.put(jobId, count);
        }
        return count;
    }

    /**
     * Hands the job's results to {@code sink} sorted by URI, one per task id (the first that
     * arrived: the sort is stable); returns how many.
     */
    int forEachSorted(String jobId, ResultConsumer sink) throws IOException {
        ExternalSort.Codec<Entry> codec = new ExternalSort.Codec<>() {
            @Override
            public byte[] encode(Entry entry) {
                return entry.raw();
            }

            @Override
            public Entry decode(byte[] raw) {
                return new Entry(read(raw), raw);
            }
        };
        try (ExternalSort<Entry> sort = new ExternalSort<>(dir, run, Entry.ORDER, codec)) {
            written(jobId).forEach(raw -> sort.add(codec.decode(raw)));
            int[] emitted = {0};
            String[] lastTask = {null};
            sort.forEachSorted(entry -> {
                ImageResult result = entry.result();
                if (!result.getTaskId().equals(lastTask[0])) {
                    try {
                        sink.accept(result);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    emitted[0]++;
                    lastTask[0] = result.getTaskId();
                }
            });
            return emitted[0];
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A result and the bytes it came as. */
    private record Entry(ImageResult result, byte[] raw) {
        static final Comparator<Entry> ORDER = Comparator.comparing((Entry e) -> e.result().getUri())
                .thenComparing(e -> e.result().getTaskId());
    }
}
