package io.mosaic.streams;

import io.mosaic.analysis.HashedImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HashedImageSerdeTest {

    private final HashedImageSerde serde = new HashedImageSerde();

    static Stream<HashedImage> images() {
        return Stream.of(
                HashedImage.withHash("file:/photos/a.jpg", 0x0123_4567_89AB_CDEFL, false),
                HashedImage.withHashes("file:/photos/c.jpg", 0x0123_4567_89AB_CDEFL, -2L, true),
                HashedImage.withHash("file:/photos/b.png", -1L, true),
                HashedImage.withHash("file:/photos/été/ß 日本.webp", Long.MIN_VALUE, true),
                HashedImage.withHash("", 0L, false),
                HashedImage.withoutHash("file:/photos/no-hash.gif", true),
                HashedImage.withoutHash("file:/photos/plain.bmp", false));
    }

    @ParameterizedTest
    @MethodSource("images")
    void roundTrips(HashedImage image) {
        byte[] bytes = serde.serializer().serialize("changelog", image);
        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(image);
    }

    @Test
    void isCompact() {
        HashedImage image = HashedImage.withHash("file:/a.jpg", 7L, true);
        assertThat(serde.serializer().serialize("t", image)).hasSize(2 + 8 + 8 + "file:/a.jpg".length());
    }

    @Test
    void layoutIsFormatFlagsHashWideHashUri() {
        byte[] bytes = serde.serializer().serialize("t", HashedImage.withHashes("u", 0x0102_0304_0506_0708L, 0x1112_1314_1516_1718L, true));
        assertThat(bytes).containsExactly(2, 0b11, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 'u');
    }

    /** What the store and its changelog hold from before the wide hash: the one hash stands for both. */
    @Test
    void readsTheFormatWithOneHash() {
        byte[] v1 = {1, 0b10, 1, 2, 3, 4, 5, 6, 7, 8, 'u'};
        assertThat(serde.deserializer().deserialize("t", v1)).isEqualTo(HashedImage.withHash("u", 0x0102_0304_0506_0708L, false));
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format 1");
    }

    @Test
    void passesNullThrough() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void refusesTruncatedData() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void refusesUnknownFormat() {
        byte[] bytes = serde.serializer().serialize("t", HashedImage.withHash("u", 1L, false));
        bytes[0] = 9;
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 9");
    }
}
