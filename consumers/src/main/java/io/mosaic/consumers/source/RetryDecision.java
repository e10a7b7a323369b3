package io.mosaic.consumers.source;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Which fetch errors are worth another attempt. Transient: the network or the server may well answer
 * differently a moment later (I/O errors, timeouts, HTTP 5xx, 429 Too Many Requests, 408 Request Timeout).
 * Permanent: the same request would get the same answer (not allowed, not found, forbidden, too large, a
 * failed TLS handshake, an open circuit) so retrying only adds load and delay.
 */
public final class RetryDecision {

    private RetryDecision() {
    }

    /** True when {@code error}, thrown by one fetch attempt, is transient and another attempt may succeed. */
    public static boolean shouldRetry(Throwable error) {
        if (error instanceof SourceException refused) {
            return isTransientStatus(refused.httpStatus());
        }
        if (error instanceof SSLHandshakeException) {
            // An untrusted certificate or no common protocol does not fix itself between attempts.
            return false;
        }
        return error instanceof IOException || error instanceof TimeoutException;
    }

    /** True for HTTP statuses that say "not now" rather than "no": 408, 429 and every 5xx. */
    public static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }
}
