package io.mosaic.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<ImageTask> serde = new AvroSerde<>(registry, ImageTask.class);

    private static ImageTask task() {
        return ImageTask.newBuilder()
                .setTaskId("t1").setJobId("j").setUri("file:/a.png")
                .setSubmittedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    @Test
    void roundTripsAGeneratedRecord() {
        byte[] bytes = serde.serializer().serialize("mosaic.image-tasks", task());
        assertThat(serde.deserializer().deserialize("mosaic.image-tasks", bytes)).isEqualTo(task());
    }

    @Test
    void writesMagicByteThenBigEndianSchemaIdThenAvroBinary() {
        // Occupy ids 1..257 so the id needs more than one byte and byte order shows.
        for (int i = 0; i < 257; i++) {
            registry.register("filler-" + i, SchemaBuilder.record("Filler" + i).fields().requiredInt("x").endRecord());
        }
        byte[] bytes = serde.serializer().serialize("mosaic.image-tasks", task());

        int id = registry.lookup("mosaic.image-tasks-value", ImageTask.getClassSchema()).orElseThrow().id();
        assertThat(id).isEqualTo(258);
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(new byte[] {bytes[1], bytes[2], bytes[3], bytes[4]}).containsExactly(0x00, 0x00, 0x01, 0x02);

        // The payload is exactly the plain Avro binary encoding: strings as zig-zag length + UTF-8, long as zig-zag varint.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {4, 't', '1'});
        expected.writeBytes(new byte[] {2, 'j'});
        expected.writeBytes(new byte[] {22});
        expected.writeBytes("file:/a.png".getBytes());
        expected.writeBytes(zigZagVarLong(1_700_000_000_000L));
        assertThat(ByteBuffer.wrap(bytes, 5, bytes.length - 5).slice()).isEqualTo(ByteBuffer.wrap(expected.toByteArray()));
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaUsingTheReadersDefaults() {
        // A writer that predates every optional field of ImageResult.
        Schema old = SchemaBuilder.record("ImageResult").namespace("io.mosaic.schemas").fields()
                .requiredString("taskId").requiredString("jobId").requiredString("uri")
                .name("status").type(ImageResult.getClassSchema().getField("status").schema()).noDefault()
                .name("analyzedAt").type(ImageResult.getClassSchema().getField("analyzedAt").schema()).noDefault()
                .endRecord();
        EarlierWriter oldWorker = new EarlierWriter(registry, "mosaic.image-results-value", old);
        byte[] bytes = oldWorker.serialize(oldWorker.record(Map.of("taskId", "t", "jobId", "j", "uri", "file:/x.jpg",
                "status", "FAILED", "analyzedAt", 5L)));

        ImageResult read = new AvroSerde<>(registry, ImageResult.class).deserialize("mosaic.image-results", bytes);
        assertThat(read.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(read.getError()).isNull();
        assertThat(read.getWidth()).isZero();
        assertThat(read.getPerceptualHashHex()).isNull();
    }

    @Test
    void refusesBytesWithoutTheMagicByte() {
        byte[] bytes = serde.serializer().serialize("t", task());
        bytes[0] = 7;
        assertThatThrownBy(() -> serde.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte 0x07");
    }

    @Test
    void refusesAnUnknownSchemaId() {
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'x'};
        assertThatThrownBy(() -> serde.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id 12345");
    }

    @Test
    void refusesRecordsTooShortForAHeader() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("too short");
    }

    @Test
    void refusesGarbageAfterAValidHeader() {
        int id = registry.register("t-value", ImageTask.getClassSchema());
        byte[] bytes = ByteBuffer.allocate(8).put((byte) 0).putInt(id).put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}).array();
        assertThatThrownBy(() -> serde.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot deserialize ImageTask");
    }

    @Test
    void keysAndValuesUseTopicNameStrategySubjects() {
        assertThat(serde.subject("mosaic.image-tasks")).isEqualTo("mosaic.image-tasks-value");
        assertThat(new AvroSerde<>(registry, ImageTask.class, true).subject("mosaic.image-tasks")).isEqualTo("mosaic.image-tasks-key");
    }

    private static byte[] zigZagVarLong(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }
}
