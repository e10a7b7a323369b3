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
 * format byte, one flags byte, the hash as 8 big-endian bytes, then the URI in UTF-8 to the end.
 * A store holds one entry per image, so this stays small and needs no schema registry; the
 * format byte lets a later version change the layout and still read what is already stored.
 */
final class HashedImageSerde implements Serde<HashedImage> {

    static final byte FORMAT_V1 = 1;
    private static final int BLURRY = 1;
    private static final int HAS_HASH = 1 << 1;
    private static final int HEADER_SIZE = 2 + Long.BYTES;

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
                .put(FORMAT_V1)
                .put((byte) flags)
                .putLong(image.hash())
                .put(uri)
                .array();
    }

    static HashedImage deserialize(byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("hashed image needs at least " + HEADER_SIZE + " bytes, got " + data.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte format = buffer.get();
        if (format != FORMAT_V1) {
            throw new SerializationException("unknown hashed image format " + format);
        }
        int flags = buffer.get();
        long hash = buffer.getLong();
        String uri = new String(data, HEADER_SIZE, data.length - HEADER_SIZE, StandardCharsets.UTF_8);
        return new HashedImage(uri, hash, (flags & HAS_HASH) != 0, (flags & BLURRY) != 0);
    }
}
