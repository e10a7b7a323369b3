package io.mosaic.platform.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.schemas.JobSummary;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * A {@link JobSummary} as JSON, the way the aggregator's interactive queries and the jobs API
 * answer it: one property per field of the Avro record, under the field's name and in the
 * schema's order; timestamps as ISO-8601 text ({@code 2025-01-31T12:00:00.123Z}); enums by symbol.
 * One derived property is added, {@value #MEAN_LUMA}: the mean luma of the job's OK images (null
 * until one has succeeded).
 *
 * <p>The mapping follows the schema rather than naming fields, so a field added to
 * {@code JobSummary.avsc} shows up in the JSON without a change here. Reading ignores properties
 * the schema does not have (such as the derived ones) and fills absent ones with the schema's
 * defaults, so a reader and a writer a version apart still understand each other.
 */
public final class JobSummaryJson {

    /** Derived property: sumMeanLuma / succeeded. */
    public static final String MEAN_LUMA = "meanLuma";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Schema SCHEMA = JobSummary.getClassSchema();
    /** The generated class's own model: it holds the conversion between timestamp-millis and Instant. */
    private static final SpecificData MODEL = new JobSummary().getSpecificData();

    private JobSummaryJson() {
    }

    public static ObjectNode toJson(JobSummary summary) {
        ObjectNode json = (ObjectNode) write(SCHEMA, summary);
        json.put(MEAN_LUMA, summary.getSucceeded() > 0 ? summary.getSumMeanLuma() / summary.getSucceeded() : null);
        return json;
    }

    /** {@code {"jobs": [...]}}, in the order given. */
    public static ObjectNode toJson(Collection<JobSummary> summaries) {
        ObjectNode json = NODES.objectNode();
        ArrayNode jobs = json.putArray("jobs");
        summaries.forEach(s -> jobs.add(toJson(s)));
        return json;
    }

    /**
     * Reads what {@link #toJson(JobSummary)} wrote.
     *
     * @throws IllegalArgumentException when a field without a default is missing or a value has
     *     the wrong type, naming the field
     */
    public static JobSummary fromJson(JsonNode json) {
        return (JobSummary) read(SCHEMA, json, "summary");
    }

    private static JsonNode write(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode object = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), write(field.schema(), record.get(field.pos())));
                }
                yield object;
            }
            case UNION -> write(nonNullBranch(schema), value);
            case STRING, ENUM -> NODES.textNode(value.toString());
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> value instanceof Instant instant ? NODES.textNode(instant.toString()) : NODES.numberNode((Long) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(write(schema.getElementType(), item));
                }
                yield array;
            }
            case MAP -> {
                ObjectNode object = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> object.set(k.toString(), write(schema.getValueType(), v)));
                yield object;
            }
            default -> throw new IllegalStateException("no JSON mapping for Avro type " + schema.getType());
        };
    }

    private static Object read(Schema schema, JsonNode json, String where) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!json.isObject()) {
                    throw new IllegalArgumentException(where + " must be a JSON object");
                }
                IndexedRecord record = (IndexedRecord) newInstance(generatedClass(schema));
                for (Schema.Field field : schema.getFields()) {
                    JsonNode value = json.get(field.name());
                    if (value == null) {
                        if (!field.hasDefaultValue()) {
                            throw new IllegalArgumentException("missing field '" + field.name() + "'");
                        }
                        record.put(field.pos(), MODEL.getDefaultValue(field));
                    } else {
                        record.put(field.pos(), read(field.schema(), value, field.name()));
                    }
                }
                return record;
            }
            case UNION -> {
                return json.isNull() && schema.isNullable() ? null : read(nonNullBranch(schema), json, where);
            }
            case STRING -> {
                return text(json, where);
            }
            case ENUM -> {
                String symbol = text(json, where);
                if (!schema.hasEnumSymbol(symbol)) {
                    throw new IllegalArgumentException(where + " must be one of " + schema.getEnumSymbols() + ", got '" + symbol + "'");
                }
                return enumConstant(generatedClass(schema), symbol);
            }
            case INT -> {
                if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                    throw new IllegalArgumentException(where + " must be a whole number");
                }
                return json.intValue();
            }
            case LONG -> {
                LogicalType logical = schema.getLogicalType();
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    try {
                        return Instant.parse(text(json, where));
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException(where + " must be an ISO-8601 instant, got '" + json.asText() + "'");
                    }
                }
                if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                    throw new IllegalArgumentException(where + " must be a whole number");
                }
                return json.longValue();
            }
            case DOUBLE, FLOAT -> {
                if (!json.isNumber()) {
                    throw new IllegalArgumentException(where + " must be a number");
                }
                return schema.getType() == Schema.Type.DOUBLE ? (Object) json.doubleValue() : (Object) json.floatValue();
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw new IllegalArgumentException(where + " must be true or false");
                }
                return json.booleanValue();
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw new IllegalArgumentException(where + " must be a JSON array");
                }
                List<Object> items = new ArrayList<>();
                json.forEach(item -> items.add(read(schema.getElementType(), item, where + "[]")));
                return items;
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw new IllegalArgumentException(where + " must be a JSON object");
                }
                Map<String, Object> map = new LinkedHashMap<>();
                json.properties().forEach(e -> map.put(e.getKey(), read(schema.getValueType(), e.getValue(), where + "." + e.getKey())));
                return map;
            }
            default -> throw new IllegalStateException("no JSON mapping for Avro type " + schema.getType());
        }
    }

    /**
     * The class generated for a named schema. Looked up directly rather than through
     * {@link SpecificData}, whose class lookups Avro's class-security check guards: this mapping
     * must work whether or not a serde has declared the contract classes trusted yet.
     */
    private static Class<?> generatedClass(Schema named) {
        try {
            return Class.forName(named.getFullName(), true, JobSummary.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no generated class for Avro type " + named.getFullName(), e);
        }
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String symbol) {
        return Enum.valueOf((Class<? extends Enum>) type, symbol);
    }

    private static String text(JsonNode json, String where) {
        if (!json.isTextual()) {
            throw new IllegalArgumentException(where + " must be a string");
        }
        return json.textValue();
    }

    /** Mosaic's unions are all "null or one type". */
    private static Schema nonNullBranch(Schema union) {
        List<Schema> types = union.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (types.size() != 1) {
            throw new IllegalStateException("no JSON mapping for a union of " + union.getTypes());
        }
        return types.get(0);
    }
}
