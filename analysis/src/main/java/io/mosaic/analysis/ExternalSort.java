package io.mosaic.analysis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Sorts more records than should be held in memory: runs of {@code runSize} records are sorted
 * in memory and written to files under a scratch directory, then merged, as databases sort. A
 * sort that never fills a run never touches the disk. The sort is stable: records that compare
 * equal come out in the order they were added. The sorted records can be read any number of
 * times; {@link #close()} deletes the files.
 *
 * @param <T> what is sorted; {@link Codec} turns it into the bytes a run file holds
 */
public final class ExternalSort<T> implements AutoCloseable {

    /** How a record is written to a run file and read back. */
    public interface Codec<T> {
        byte[] encode(T value);

        T decode(byte[] bytes);
    }

    /** Strings as UTF-8. */
    public static final Codec<String> STRINGS = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    private final Path scratch;
    private final int runSize;
    private final Comparator<? super T> order;
    private final Codec<T> codec;
    private final List<T> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private boolean sorted;

    public ExternalSort(Path scratch, int runSize, Comparator<? super T> order, Codec<T> codec) {
        if (runSize < 2) {
            throw new IllegalArgumentException("a run holds at least 2 records, got " + runSize);
        }
        this.scratch = scratch;
        this.runSize = runSize;
        this.order = order;
        this.codec = codec;
    }

    public void add(T value) {
        if (sorted) {
            throw new IllegalStateException("already sorted");
        }
        buffer.add(value);
        if (buffer.size() == runSize) {
            spill();
        }
    }

    /** Hands every record to {@code action} in order; may be called again. */
    public void forEachSorted(Consumer<? super T> action) {
        if (!sorted) {
            if (runs.isEmpty()) {
                buffer.sort(order);
            } else if (!buffer.isEmpty()) {
                spill();
            }
            sorted = true;
        }
        if (runs.isEmpty()) {
            buffer.forEach(action);
            return;
        }
        merge(action);
    }

    private void spill() {
        buffer.sort(order);
        try {
            Files.createDirectories(scratch);
            Path run = Files.createTempFile(scratch, "sort-", ".run");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 64 * 1024))) {
                for (T value : buffer) {
                    LengthPrefixed.write(out, codec.encode(value));
                }
            }
            runs.add(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a sort run under " + scratch, e);
        }
        buffer.clear();
    }

    /** Merges the runs; of records that compare equal, the one of the earlier run comes first. */
    private void merge(Consumer<? super T> action) {
        record Head<T>(T value, int run) {
        }
        List<DataInputStream> readers = new ArrayList<>();
        Comparator<Head<T>> heads = (a, b) -> {
            int c = order.compare(a.value(), b.value());
            return c != 0 ? c : Integer.compare(a.run(), b.run());
        };
        PriorityQueue<Head<T>> queue = new PriorityQueue<>(heads);
        try {
            for (int r = 0; r < runs.size(); r++) {
                readers.add(new DataInputStream(new BufferedInputStream(Files.newInputStream(runs.get(r)), 64 * 1024)));
                T first = next(readers.get(r));
                if (first != null) {
                    queue.add(new Head<>(first, r));
                }
            }
            while (!queue.isEmpty()) {
                Head<T> head = queue.poll();
                T following = next(readers.get(head.run()));
                if (following != null) {
                    queue.add(new Head<>(following, head.run()));
                }
                action.accept(head.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a sort run under " + scratch, e);
        } finally {
            for (DataInputStream reader : readers) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // Read to the end or failed already.
                }
            }
        }
    }

    private T next(DataInputStream in) throws IOException {
        byte[] bytes = LengthPrefixed.read(in);
        return bytes == null ? null : codec.decode(bytes);
    }

    @Override
    public void close() {
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // A scratch file; the directory is temporary too.
            }
        }
        runs.clear();
        buffer.clear();
    }
}
