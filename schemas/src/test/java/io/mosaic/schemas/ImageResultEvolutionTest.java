package io.mosaic.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import io.mosaic.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
    void aRecordWrittenWithTheLongHashIsStillReadItsHashLeftOut() throws IOException {
        GenericRecord old = new GenericData.Record(PREVIOUS);
        old.put("taskId", "t-1");
        old.put("jobId", "job-1");
        old.put("uri", "file:/a.png");
        old.put("status", new GenericData.EnumSymbol(PREVIOUS.getField("status").schema(), "OK"));
        old.put("perceptualHash", 0xF0E1_D2C3_B4A5_9687L);
        old.put("analyzedAt", Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        for (Schema.Field field : PREVIOUS.getFields()) {
            if (old.get(field.name()) == null && field.hasDefaultValue()) {
                old.put(field.name(), GenericData.get().getDefaultValue(field));
            }
        }
        // As an old worker wrote it: the wire format's magic byte and schema id, then the Avro body.
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int oldId = registry.register("mosaic.image-results-value", PREVIOUS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(WireFormat.MAGIC_BYTE);
        bytes.write(ByteBuffer.allocate(4).putInt(oldId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(PREVIOUS).write(old, encoder);
        encoder.flush();

        ImageResult read = new AvroSerde<>(registry, ImageResult.class).deserializer()
                .deserialize("mosaic.image-results", bytes.toByteArray());

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
