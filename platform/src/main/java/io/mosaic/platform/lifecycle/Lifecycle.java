package io.mosaic.platform.lifecycle;

/**
 * The contract every long-running part of Mosaic follows: {@link #validate()} checks settings
 * without touching the network or disk, {@link #start()} acquires resources and returns once the
 * part is ready, {@link #stop()} releases them and may be called any number of times.
 */
public interface Lifecycle extends AutoCloseable {

    /** Name used in logs and error messages. */
    String name();

    /** Checks configuration; no I/O. Throws {@link IllegalArgumentException} with a readable message. */
    default void validate() {
    }

    /** Starts the part; returns when it is ready to be used. */
    void start() throws Exception;

    /** Stops the part. Idempotent: a second call does nothing. Never throws. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
