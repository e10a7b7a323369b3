package io.mosaic.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import io.mosaic.schemas.serde.EarlierWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/**
 * The perceptual hash moved from a {@code long} (which JavaScript's Avro reader refuses beyond
 * 2^53) to a hex string. The change must keep the registry's BACKWARD rule, and more: readers of
 * either version read records of the other.
 */
class ImageResultEvolutionTest {

    private static final Schema PREVIOUS = previous();

    @Test
    void theNewSchemaReadsTheOldAndTheOldReadsTheNew() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ImageResult.getClassSchema(), PREVIOUS).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(PREVIOUS, ImageResult.getClassSchema()).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void aRecordWrittenWithTheLongHashIsStillReadItsHashLeftOut() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        EarlierWriter oldWorker = new EarlierWriter(registry, "mosaic.image-results-value", PREVIOUS);
        byte[] bytes = oldWorker.serialize(oldWorker.record(Map.of("taskId", "t-1", "jobId", "job-1", "uri", "file:/a.png",
                "status", "OK", "perceptualHash", 0xF0E1_D2C3_B4A5_9687L,
                "analyzedAt", Instant.parse("2026-01-01T00:00:00Z").toEpochMilli())));

        ImageResult read = new AvroSerde<>(registry, ImageResult.class).deserializer()
                .deserialize("mosaic.image-results", bytes);

        assertThat(read.getTaskId()).isEqualTo("t-1");
        assertThat(read.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(read.getPerceptualHashHex()).isNull();
    }

    @Test
    void hashesTravelAsSixteenHexDigits() {
        assertThat(HashHex.of(0xF0E1_D2C3_B4A5_9687L)).isEqualTo("f0e1d2c3b4a59687");
        assertThat(HashHex.of(0xABCL)).isEqualTo("0000000000000abc");
        assertThat(HashHex.parse("f0e1d2c3b4a59687")).isEqualTo(0xF0E1_D2C3_B4A5_9687L);
        assertThat(HashHex.parse(HashHex.of(-1L))).isEqualTo(-1L);
        assertThatThrownBy(() -> HashHex.parse("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HashHex.parse("zzzzzzzzzzzzzzzz")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Schema previous() {
        try (InputStream in = ImageResultEvolutionTest.class.getResourceAsStream("/previous/ImageResult-perceptualHash-long.avsc")) {
            Schema.Parser parser = new Schema.Parser();
            // The old schema names the status enum, which has its own file.
            parser.parse(ResultStatus.getClassSchema().toString());
            return parser.parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
