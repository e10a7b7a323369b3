package io.mosaic.schemas.registry;

/**
 * A schema-registry request failed. Carries the HTTP status and Confluent's {@code error_code}
 * (or -1 when the server sent none), so callers can tell "not found" from "refused".
 */
public class SchemaRegistryException extends RuntimeException {

    /** Confluent error codes, as documented for its REST API. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 40901;
    public static final int INVALID_SCHEMA = 42201;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /** HTTP status of the answer, or -1 when the server could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent {@code error_code} of the answer, or -1. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the server said the subject, version or schema does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
