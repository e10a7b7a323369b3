package io.mosaic.analysis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * EXIF blocks for tests, written here rather than kept as binary fixtures: a TIFF structure (big-endian) with
 * IFD0 holding the orientation and a pointer to the EXIF IFD, which holds DateTimeOriginal and
 * OffsetTimeOriginal; and the ways formats carry it (a JPEG APP1 segment, a PNG eXIf chunk).
 */
final class ExifBlocks {

    private static final int ORIENTATION = 0x0112;
    private static final int EXIF_IFD = 0x8769;
    private static final int DATE_TIME_ORIGINAL = 0x9003;
    private static final int OFFSET_TIME_ORIGINAL = 0x9011;

    private static final short SHORT = 3;
    private static final short LONG = 4;
    private static final short ASCII = 2;

    private ExifBlocks() {
    }

    /**
     * The TIFF structure; each argument may be null to leave its tag out.
     *
     * @param dateTimeOriginal as EXIF writes it, {@code 2021:07:14 09:30:05}
     * @param offsetTimeOriginal as EXIF writes it, {@code +02:00}
     */
    static byte[] tiff(Integer orientation, String dateTimeOriginal, String offsetTimeOriginal) {
        List<Entry> exif = new ArrayList<>();
        if (dateTimeOriginal != null) {
            exif.add(Entry.ascii(DATE_TIME_ORIGINAL, dateTimeOriginal));
        }
        if (offsetTimeOriginal != null) {
            exif.add(Entry.ascii(OFFSET_TIME_ORIGINAL, offsetTimeOriginal));
        }
        List<Entry> ifd0 = new ArrayList<>();
        if (orientation != null) {
            ifd0.add(new Entry(ORIENTATION, SHORT, 1, new byte[] {0, (byte) (int) orientation, 0, 0}));
        }
        int ifd0Offset = 8;
        int exifOffset = ifd0Offset + ifdSize(ifd0.size() + (exif.isEmpty() ? 0 : 1));
        if (!exif.isEmpty()) {
            ifd0.add(new Entry(EXIF_IFD, LONG, 1, ByteBuffer.allocate(4).putInt(exifOffset).array()));
        }
        int dataOffset = exifOffset + (exif.isEmpty() ? 0 : ifdSize(exif.size()));

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer tiff = ByteBuffer.allocate(dataOffset + 256);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0Offset);
        writeIfd(tiff, ifd0, dataOffset, data);
        if (!exif.isEmpty()) {
            writeIfd(tiff, exif, dataOffset, data);
        }
        tiff.put(data.toByteArray());
        byte[] bytes = new byte[tiff.position()];
        tiff.flip().get(bytes);
        return bytes;
    }

    /** {@code jpeg} with an APP1 "Exif" segment holding {@code tiff} right after its start-of-image marker. */
    static byte[] intoJpeg(byte[] jpeg, byte[] tiff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xe1);
        int length = 2 + 6 + tiff.length;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** {@code png} with an eXIf chunk holding {@code tiff} right after its header chunk. */
    static byte[] intoPng(byte[] png, byte[] tiff) {
        return intoPng(png, tiff, tiff.length);
    }

    /** As {@link #intoPng(byte[], byte[])}, with a chunk length field that may lie. */
    static byte[] intoPng(byte[] png, byte[] tiff, int declaredLength) {
        int afterHeader = 8 + 4 + 4 + 13 + 4;
        byte[] type = "eXIf".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(tiff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.writeBytes(ByteBuffer.allocate(4).putInt(declaredLength).array());
        out.writeBytes(type);
        out.writeBytes(tiff);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    private static int ifdSize(int entries) {
        return 2 + 12 * entries + 4;
    }

    /** Entries in tag order; values longer than 4 bytes go to the data area, which follows every IFD. */
    private static void writeIfd(ByteBuffer tiff, List<Entry> entries, int dataOffset, ByteArrayOutputStream data) {
        tiff.putShort((short) entries.size());
        entries.stream().sorted((a, b) -> Integer.compare(a.tag(), b.tag())).forEach(entry -> {
            tiff.putShort((short) entry.tag()).putShort(entry.type()).putInt(entry.count());
            if (entry.value().length <= 4) {
                tiff.put(entry.value());
                tiff.put(new byte[4 - entry.value().length]);
            } else {
                tiff.putInt(dataOffset + data.size());
                data.writeBytes(entry.value());
                if (data.size() % 2 == 1) {
                    data.write(0); // values start on word boundaries
                }
            }
        });
        tiff.putInt(0); // no next IFD
    }

    private record Entry(int tag, short type, int count, byte[] value) {
        static Entry ascii(int tag, String text) {
            byte[] value = (text + "\0").getBytes(StandardCharsets.US_ASCII);
            return new Entry(tag, ASCII, value.length, value);
        }
    }
}
