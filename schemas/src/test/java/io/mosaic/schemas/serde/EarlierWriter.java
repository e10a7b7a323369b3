package io.mosaic.schemas.serde;

import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A producer of an earlier version of the pipeline: it registered its own schema and writes
 * records of it in the wire format, as an old worker would have. The header is written here by
 * hand (magic byte 0, the schema id big-endian), not by the serde under test.
 */
public final class EarlierWriter {

    private final Schema schema;
    private final int schemaId;

    /** Registers {@code schema} under {@code subject}, as that producer did. */
    public EarlierWriter(InMemorySchemaRegistry registry, String subject, Schema schema) {
        this.schema = schema;
        this.schemaId = registry.register(subject, schema);
    }

    /**
     * A record of the earlier schema with {@code values} by field name (an enum's symbol as a
     * string), its other fields at their defaults.
     */
    public GenericRecord record(Map<String, Object> values) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = values.get(field.name());
            if (value instanceof String symbol && field.schema().getType() == Schema.Type.ENUM) {
                value = new GenericData.EnumSymbol(field.schema(), symbol);
            }
            if (value == null && field.hasDefaultValue()) {
                value = GenericData.get().getDefaultValue(field);
            }
            record.put(field.name(), value);
        }
        return record;
    }

    /** {@code record} as the earlier producer sent it. */
    public byte[] serialize(GenericRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
