package io.mosaic.schemas.registry;

/**
 * The schema registry could not answer: unreachable, timed out, or a 5xx status. Unlike a refusal
 * (4xx), this passes: callers wait and try again rather than give up on what they were doing.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SchemaRegistryUnavailableException(String message, int httpStatus) {
        super(message, httpStatus, -1);
    }
}
