package io.mosaic.consumers.source;

/**
 * A source refused or could not serve an image, for a reason that is part of the answer rather than a
 * passing fault: not allowed, not found, too large, or an HTTP status. Its message is the readable reason
 * that ends up in the FAILED result. Whether it is worth another try is {@link RetryDecision}'s call,
 * which looks only at {@link #httpStatus()}.
 */
public final class SourceException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    /** A refusal without an HTTP status: never worth another try. */
    public SourceException(String reason) {
        this(reason, 0);
    }

    /** An HTTP answer other than success; {@code httpStatus} decides whether to try again. */
    public SourceException(String reason, int httpStatus) {
        super(reason);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status that caused this, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }
}
