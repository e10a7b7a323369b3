package io.mosaic.consumers.source;

/** What fetching one image came to, and how many attempts it took. */
public sealed interface FetchResult permits FetchResult.Fetched, FetchResult.Failed {

    /** Attempts made, the first included; at least 1. */
    int attempts();

    record Fetched(ImageContent content, int attempts) implements FetchResult {
    }

    /**
     * @param reason the last error, readable by a person; when transient errors were retried until the
     *     attempts ran out, it says so and how many there were
     */
    record Failed(String reason, int attempts) implements FetchResult {
    }
}
