package io.mosaic.analysis;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Records on disk as a 4-byte length and that many bytes: the framing of sort runs and of the
 * report writer's spool files.
 */
public final class LengthPrefixed {

    private LengthPrefixed() {
    }

    public static void write(DataOutputStream out, byte[] record) throws IOException {
        out.writeInt(record.length);
        out.write(record);
    }

    /**
     * The next record, or null at the end of the stream.
     *
     * @throws EOFException if the stream ends inside a record (one whose write was cut short)
     */
    public static byte[] read(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        byte[] record = new byte[length];
        in.readFully(record);
        return record;
    }
}
