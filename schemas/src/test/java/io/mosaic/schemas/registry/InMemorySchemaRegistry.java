package io.mosaic.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry for unit tests that need no server (topologies under TopologyTestDriver).
 * Ids are global and given by schema, as on Confluent's server; compatibility is BACKWARD.
 * The REST client itself is tested against a real server, never against this.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final Map<Schema, Integer> ids = new HashMap<>();
    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, List<Schema>> subjects = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!isCompatible(subject, schema)) {
                throw new IncompatibleSchemaException("incompatible with the latest schema of " + subject, 409,
                        SchemaRegistryException.INCOMPATIBLE_SCHEMA);
            }
            versions.add(schema);
        }
        return ids.computeIfAbsent(schema, s -> {
            byId.add(s);
            return byId.size();
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw new SchemaRegistryException("schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return byId.get(id - 1);
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        List<Schema> versions = subjects.getOrDefault(subject, List.of());
        int index = versions.indexOf(schema);
        return index < 0 ? Optional.empty() : Optional.of(new RegisteredSchema(subject, ids.get(schema), index + 1, schema));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> versions = subjects.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return true;
        }
        Schema latest = versions.get(versions.size() - 1);
        return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
