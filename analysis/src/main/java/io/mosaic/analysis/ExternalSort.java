package io.mosaic.analysis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
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
 * Sorts more strings than should be held in memory: runs of {@code runSize} strings are sorted
 * in memory and written to files under a scratch directory, then merged, as databases sort. A
 * sort that never fills a run never touches the disk. The sorted strings can be read any number
 * of times; {@link #close()} deletes the files.
 */
final class ExternalSort implements AutoCloseable {

    private final Path scratch;
    private final int runSize;
    private final List<String> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private boolean sorted;

    ExternalSort(Path scratch, int runSize) {
        if (runSize < 2) {
            throw new IllegalArgumentException("a run holds at least 2 strings, got " + runSize);
        }
        this.scratch = scratch;
        this.runSize = runSize;
    }

    void add(String value) {
        if (sorted) {
            throw new IllegalStateException("already sorted");
        }
        buffer.add(value);
        if (buffer.size() == runSize) {
            spill();
        }
    }

    /** Hands every string to {@code action} in order; may be called again. */
    void forEachSorted(Consumer<String> action) {
        if (!sorted) {
            if (runs.isEmpty()) {
                buffer.sort(Comparator.naturalOrder());
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
        buffer.sort(Comparator.naturalOrder());
        try {
            Files.createDirectories(scratch);
            Path run = Files.createTempFile(scratch, "sort-", ".run");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 64 * 1024))) {
                for (String value : buffer) {
                    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
            runs.add(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a sort run under " + scratch, e);
        }
        buffer.clear();
    }

    private void merge(Consumer<String> action) {
        List<DataInputStream> readers = new ArrayList<>();
        record Head(String value, int run) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::value).thenComparingInt(Head::run));
        try {
            for (int r = 0; r < runs.size(); r++) {
                readers.add(new DataInputStream(new BufferedInputStream(Files.newInputStream(runs.get(r)), 64 * 1024)));
                String first = next(readers.get(r));
                if (first != null) {
                    heads.add(new Head(first, r));
                }
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                String following = next(readers.get(head.run()));
                if (following != null) {
                    heads.add(new Head(following, head.run()));
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

    private static String next(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the strings went to disk. */
    boolean spilled() {
        return !runs.isEmpty();
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
