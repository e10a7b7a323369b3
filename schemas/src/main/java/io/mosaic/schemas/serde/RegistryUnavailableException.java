package io.mosaic.schemas.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A record could not be written or read because the schema registry did not answer. Not a
 * {@link org.apache.kafka.common.errors.SerializationException}: the record is fine, and a reader
 * must wait and read it again, never send it to a dead-letter topic for this.
 */
public class RegistryUnavailableException extends RetriableException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
