package io.mosaic.consumers.source;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Where images come from, for the URI schemes it serves. {@link ImageSources} picks the source by scheme
 * and retries what {@link RetryDecision} calls transient.
 *
 * <p>Implementations are shared by every analyzer thread of a process, so they must be thread-safe.
 */
public interface ImageSource extends AutoCloseable {

    /** The URI schemes served, lower-case ("file", "http", ...). */
    Set<String> schemes();

    /**
     * The image at {@code uri}, one attempt.
     *
     * @throws SourceException the source refuses or answers with an error (not allowed, not found, HTTP status, too large)
     * @throws IOException the source could not be reached or read: a timeout, a reset connection, ...
     */
    ImageContent fetch(URI uri) throws SourceException, IOException;

    /** Releases the clients the source made (connection pools, threads); a fetch after it makes them again. */
    @Override
    default void close() {
    }
}
