package io.mosaic.consumers.reports;

import io.mosaic.analysis.LengthPrefixed;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An append-only file of records, each a 4-byte length and that many bytes: what the report
 * writer's spools keep on disk. A crash can leave the last record half-written; reading stops
 * before it, and {@link #truncateTornTail} cuts it off so later appends stay aligned.
 */
final class SpoolFile {

    private final Path file;

    SpoolFile(Path file) {
        this.file = file;
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    void append(List<byte[]> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out))) {
            for (byte[] record : records) {
                LengthPrefixed.write(data, record);
            }
        }
    }

    /** A step that may fail reading or writing. */
    @FunctionalInterface
    interface RecordConsumer {
        void accept(byte[] record) throws IOException;
    }

    /** Hands every whole record to {@code action}, in the order appended, one at a time. */
    void forEach(RecordConsumer action) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (Reader reader = reader()) {
            for (byte[] raw = reader.next(); raw != null; raw = reader.next()) {
                action.accept(raw);
            }
        }
    }

    /** Reads the records one at a time: {@link Reader#next()} until it returns null. */
    Reader reader() throws IOException {
        return new Reader(new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024)));
    }

    /** A cursor over a spool file's whole records. */
    static final class Reader implements AutoCloseable {
        private final DataInputStream data;

        private Reader(DataInputStream data) {
            this.data = data;
        }

        /**
         * The next whole record, or null at the end, or at a record left half-written by a crash
         * in the middle of an append: that record was not committed and will be consumed and
         * appended again.
         */
        byte[] next() throws IOException {
            try {
                return LengthPrefixed.read(data);
            } catch (EOFException torn) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            data.close();
        }
    }

    /** Cuts off a record left half-written by a crash; returns how many whole records the file holds. */
    int truncateTornTail() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int records = 0;
        long valid = 0;
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            while (valid + 4 <= size) {
                int length = data.readInt();
                if (length < 0 || valid + 4 + length > size) {
                    break;
                }
                data.skipNBytes(length);
                valid += 4 + length;
                records++;
            }
        }
        if (valid < size) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(valid);
            }
        }
        return records;
    }
}
