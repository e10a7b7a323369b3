package io.mosaic.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids, so that submitting the same source twice gives the same job and the same
 * tasks, and the aggregator can count each task once (DESIGN.md, "Identity and idempotency").
 */
public final class Identity {

    /** One digest per thread: looking SHA-256 up among the security providers costs as much as hashing a task id. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private Identity() {
    }

    /** The job id of a source, when the user gives none: {@code job-} + 16 hex digits of SHA-256. */
    public static String jobIdForSource(String sourceUri) {
        return "job-" + sha256Hex(sourceUri).substring(0, 16);
    }

    /** The task id of an image in a job: 32 hex digits of SHA-256 over (jobId, uri). */
    public static String taskId(String jobId, String imageUri) {
        return sha256Hex(jobId + '\n' + imageUri).substring(0, 32);
    }

    private static String sha256Hex(String text) {
        // digest() resets the digest, so the next call starts afresh.
        return HexFormat.of().formatHex(SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
