package io.mosaic.consumers.reports;

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
import java.util.ArrayList;
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
                data.writeInt(record.length);
                data.write(record);
            }
        }
    }

    /** Every whole record, in the order appended. */
    List<byte[]> readAll() throws IOException {
        List<byte[]> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
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
                    // A crash in the middle of an append: that record was not committed and will
                    // be consumed and appended again.
                    break;
                }
                records.add(raw);
            }
        }
        return records;
    }

    /** Cuts off a record left half-written by a crash. */
    void truncateTornTail() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
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
            }
        }
        if (valid < size) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(valid);
            }
        }
    }
}
