package io.mosaic.schemas.serde;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.registry.SchemaRegistry;
import io.mosaic.schemas.registry.SchemaRegistryException;
import io.mosaic.schemas.registry.SchemaRegistryUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serde for generated record classes, in Confluent's wire format, with schemas kept in a
 * schema registry. Subjects follow TopicNameStrategy: {@code <topic>-value} (or {@code -key}).
 * The writer registers its schema on first use per topic (the registry refuses it if it breaks
 * the subject's compatibility rule); the reader fetches the writer's schema by id and resolves it
 * against the generated class's schema, so old and new records both read.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static {
        // Avro 1.12 refuses to instantiate classes it has not been told to trust; trust exactly
        // the generated contract classes, keeping Avro's own defaults and system properties.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                type -> type.getPackageName().equals(ImageJob.class.getPackageName())));
    }

    private final SchemaRegistry registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final boolean isKey;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    public AvroSerde(SchemaRegistry registry, Class<T> type) {
        this(registry, type, false);
    }

    public AvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey) {
        this.registry = registry;
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.isKey = isKey;
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    /** The subject under which values of {@code topic} are registered (TopicNameStrategy). */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    public Schema schema() {
        return readerSchema;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        int id = idByTopic.computeIfAbsent(topic, t -> registerSchema(t));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            // The wire format's header first, then the Avro payload: one copy, by toByteArray.
            WireFormat.writeHeader(out, id);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("cannot serialize " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readersById.computeIfAbsent(id, this::readerFor);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
                    data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + " with writer schema id " + id + ": " + e, e);
        }
    }

    private int registerSchema(String topic) {
        try {
            return registry.register(subject(topic), readerSchema);
        } catch (SchemaRegistryUnavailableException e) {
            throw new RegistryUnavailableException("cannot register the " + type.getSimpleName() + " schema now: " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot register the " + type.getSimpleName() + " schema under subject "
                    + subject(topic) + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryUnavailableException e) {
            throw new RegistryUnavailableException("cannot fetch writer schema id " + id + " now: " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("unknown schema id " + id + ": " + e.getMessage(), e);
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema);
    }
}
