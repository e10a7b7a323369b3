package io.mosaic.streams;

import io.mosaic.analysis.HashedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link HashedImage} for the job-hashes store and its changelog: one
 * format byte (2), one flags byte, the centre hash and the wide hash as 8 big-endian bytes each,
 * then the URI in UTF-8 to the end. Format 1, written before the wide hash, had one hash: it is
 * read with that hash standing for both.
 * A store holds one entry per image, so this stays small and needs no schema registry; the
 * format byte lets a later version change the layout and still read what is already stored.
 */
final class HashedImageSerde implements Serde<HashedImage> {

    static final byte FORMAT_V1 = 1;
    static final byte FORMAT_V2 = 2;
    private static final int BLURRY = 1;
    private static final int HAS_HASH = 1 << 1;
    private static final int HEADER_SIZE_V1 = 2 + Long.BYTES;
    private static final int HEADER_SIZE = 2 + 2 * Long.BYTES;

    @Override
    public Serializer<HashedImage> serializer() {
        return (topic, image) -> serialize(image);
    }

    @Override
    public Deserializer<HashedImage> deserializer() {
        return (topic, data) -> deserialize(data);
    }

    static byte[] serialize(HashedImage image) {
        if (image == null) {
            return null;
        }
        byte[] uri = image.uri().getBytes(StandardCharsets.UTF_8);
        int flags = (image.blurry() ? BLURRY : 0) | (image.hasHash() ? HAS_HASH : 0);
        return ByteBuffer.allocate(HEADER_SIZE + uri.length)
                .put(FORMAT_V2)
                .put((byte) flags)
                .putLong(image.hash())
                .putLong(image.wideHash())
                .put(uri)
                .array();
    }

    static HashedImage deserialize(byte[] data) {
        if (data == null) {
            return null;
        }
        byte format = data.length > 0 ? data[0] : 0;
        int header = switch (format) {
            case FORMAT_V1 -> HEADER_SIZE_V1;
            case FORMAT_V2 -> HEADER_SIZE;
            default -> throw new SerializationException("unknown hashed image format " + format);
        };
        if (data.length < header) {
            throw new SerializationException("hashed image of format " + format + " needs at least " + header
                    + " bytes, got " + data.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(data, 1, header - 1);
        int flags = buffer.get();
        long hash = buffer.getLong();
        long wideHash = format == FORMAT_V1 ? hash : buffer.getLong();
        String uri = new String(data, header, data.length - header, StandardCharsets.UTF_8);
        return new HashedImage(uri, hash, wideHash, (flags & HAS_HASH) != 0, (flags & BLURRY) != 0);
    }
}
