package io.mosaic.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * What the Avro serde needs from a schema registry. {@link SchemaRegistryClient} speaks
 * Confluent's REST API to a real server; unit tests of topologies may use an in-memory one.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with global id {@code id}. */
    Schema schemaById(int id);

    /** The id and version of {@code schema} under {@code subject}, if it is registered there. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** Whether {@code schema} may be registered under {@code subject} under its compatibility rule. */
    boolean isCompatible(String subject, Schema schema);
}
