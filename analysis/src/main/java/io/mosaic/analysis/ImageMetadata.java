package io.mosaic.analysis;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.png.PngChunk;
import com.drew.imaging.png.PngChunkReader;
import com.drew.imaging.png.PngChunkType;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.lang.ByteArrayReader;
import com.drew.lang.RandomAccessReader;
import com.drew.lang.StreamReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Set;
import javax.imageio.stream.ImageInputStream;

/**
 * What the EXIF metadata of an image says about displaying it and about when it was taken, read with the
 * metadata-extractor library from JPEG (APP1), TIFF (IFD0 and the EXIF IFD), PNG (eXIf) and WebP (EXIF
 * chunk) files. GIF and BMP carry no EXIF.
 *
 * <p>Metadata is a courtesy: a missing, damaged or contradictory block leaves the defaults (upright, no
 * capture time) and never fails the analysis. Reads are bounded by the file's length, so a block that
 * declares more bytes than the file holds is refused before anything is allocated for it.
 *
 * @param orientation the EXIF orientation, 1 to 8: how the stored pixels must be turned or mirrored to be
 *     shown upright (1 when absent or out of range)
 * @param capturedAt when the picture was taken (EXIF DateTimeOriginal) as an ISO-8601 local date-time, with
 *     the UTC offset when the file records it (OffsetTimeOriginal); null when absent or not a valid date
 */
record ImageMetadata(int orientation, String capturedAt) {

    static final ImageMetadata NONE = new ImageMetadata(1, null);

    /** EXIF writes dates as {@code 2024:05:17 14:03:22}. */
    private static final DateTimeFormatter EXIF_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu:MM:dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /** ISO-8601 with the seconds always written, as EXIF has them ({@code toString} drops ":00"). */
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    /**
     * Reads the metadata of an image of {@code format} (as {@link ImageAnalyzer} names formats) from the
     * start of {@code input}, which holds {@code length} bytes. Leaves the stream's position undefined.
     */
    static ImageMetadata read(String format, ImageInputStream input, long length) {
        try {
            input.seek(0);
            Metadata metadata = switch (format) {
                case "jpeg" -> JpegMetadataReader.readMetadata(new StreamAdapter(input), List.of(new ExifReader()));
                case "webp" -> WebpMetadataReader.readMetadata(new StreamAdapter(input));
                case "png" -> pngExif(input, length);
                case "tiff" -> tiffExif(input, length);
                default -> null;
            };
            return metadata == null ? NONE : of(metadata);
        } catch (Exception e) {
            // Damaged metadata, or metadata the library cannot parse: the pixels may still be fine.
            return NONE;
        }
    }

    private static ImageMetadata of(Metadata metadata) {
        ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
        Integer orientation = ifd0 == null ? null : ifd0.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
        ExifSubIFDDirectory exif = metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
        return new ImageMetadata(orientation != null && orientation >= 1 && orientation <= 8 ? orientation : 1,
                exif == null ? null : capturedAt(exif));
    }

    /** DateTimeOriginal as ISO-8601, with OffsetTimeOriginal appended when present and valid. */
    static String capturedAt(Directory exif) {
        String original = exif.getString(ExifDirectoryBase.TAG_DATETIME_ORIGINAL);
        if (original == null) {
            return null;
        }
        LocalDateTime local;
        try {
            // Cameras without a set clock write "0000:00:00 00:00:00" or blanks: those are no dates.
            local = LocalDateTime.parse(original.trim(), EXIF_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
        String offset = exif.getString(ExifDirectoryBase.TAG_TIME_ZONE_ORIGINAL);
        if (offset != null) {
            try {
                return ISO_SECONDS.format(local) + ZoneOffset.of(offset.trim()).getId();
            } catch (RuntimeException e) {
                // An offset that is not one ("  :  ") leaves the local time, which is still right.
            }
        }
        return ISO_SECONDS.format(local);
    }

    /** A PNG's EXIF lives in its eXIf chunk as a bare TIFF structure. */
    private static Metadata pngExif(ImageInputStream input, long length) throws Exception {
        Metadata metadata = new Metadata();
        Iterable<PngChunk> chunks = new PngChunkReader()
                .extract(new BoundedStreamReader(new StreamAdapter(input), length), Set.of(PngChunkType.eXIf));
        for (PngChunk chunk : chunks) {
            new ExifReader().extract(new ByteArrayReader(chunk.getBytes()), metadata);
        }
        return metadata;
    }

    /** A TIFF file is itself the TIFF structure EXIF is written in. */
    private static Metadata tiffExif(ImageInputStream input, long length) {
        Metadata metadata = new Metadata();
        new ExifReader().extract(new ImageInputStreamReader(input, length), metadata);
        return metadata;
    }

    /** The image stream as an InputStream, read from where it stands; closing it leaves the stream open. */
    private static final class StreamAdapter extends InputStream {
        private final ImageInputStream input;

        StreamAdapter(ImageInputStream input) {
            this.input = input;
        }

        @Override
        public int read() throws IOException {
            return input.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return input.read(buffer, offset, length);
        }

        @Override
        public long skip(long count) throws IOException {
            long target = Math.min(input.getStreamPosition() + Math.max(0, count), Math.max(0, input.length()));
            long skipped = target - input.getStreamPosition();
            input.seek(target);
            return skipped;
        }
    }

    /**
     * The library's stream reader allocates whatever a chunk header declares before reading it; this one
     * first checks that the file holds that much.
     */
    private static final class BoundedStreamReader extends StreamReader {
        private final long length;

        BoundedStreamReader(InputStream stream, long length) {
            super(stream);
            this.length = length;
        }

        @Override
        public byte[] getBytes(int count) throws IOException {
            if (count > length - getPosition()) {
                throw new EOFException("a block of " + count + " bytes at " + getPosition()
                        + " runs past the end of the file (" + length + " bytes)");
            }
            return super.getBytes(count);
        }
    }

    /** Random access to the image stream for the library's TIFF reader, bounded by the file's length. */
    private static final class ImageInputStreamReader extends RandomAccessReader {
        private final ImageInputStream input;
        private final long length;

        ImageInputStreamReader(ImageInputStream input, long length) {
            this.input = input;
            this.length = length;
        }

        @Override
        public int toUnshiftedOffset(int localOffset) {
            return localOffset;
        }

        @Override
        public byte getByte(int index) throws IOException {
            validateIndex(index, 1);
            input.seek(index);
            return (byte) input.readUnsignedByte();
        }

        @Override
        public byte[] getBytes(int index, int count) throws IOException {
            validateIndex(index, count);
            byte[] bytes = new byte[count];
            input.seek(index);
            input.readFully(bytes);
            return bytes;
        }

        @Override
        protected void validateIndex(int index, int count) throws IOException {
            if (!isValidIndex(index, count)) {
                throw new EOFException("bytes " + index + " to " + ((long) index + count) + " lie outside the file ("
                        + length + " bytes)");
            }
        }

        @Override
        protected boolean isValidIndex(int index, int count) {
            return index >= 0 && count >= 0 && (long) index + count <= length;
        }

        @Override
        public long getLength() {
            return length;
        }
    }
}
