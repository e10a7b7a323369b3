package io.mosaic.consumers.source;

import io.mosaic.platform.lifecycle.Lazy;
import io.mosaic.platform.s3.S3Clients;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.s3.S3Uri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code s3://bucket/key} URIs, from allowed buckets only ({@code source.s3.allowed.buckets}; off
 * when empty), with the AWS SDK and the credentials of its standard chain. A task's URI may pin the
 * object's ETag ({@code ?etag=}, as a bucket's listing writes it): the download asks for that version
 * ({@code If-Match}) and a replaced object fails the task as changed.
 *
 * <p>One attempt per call: the SDK's own retries are off, so that {@link ImageSources} retries
 * transient answers (503 SlowDown, 500, timeouts, dropped connections) with its backoff and jitter,
 * and every attempt passes through the endpoint's circuit breaker ({@link Breakers}). The body is
 * streamed into memory up to {@code analysis.max.bytes}: a larger object is refused from its
 * declared length before any of it is read, or as soon as it passes the limit.
 *
 * <p>Error messages name the object and the endpoint, never a credential.
 */
public final class S3Source implements ImageSource {

    private final S3Settings settings;
    private final long maxBytes;
    private final Breakers breakers;
    /** Built on first use, so a worker with s3 off starts no client. */
    private final Lazy<S3Client> client;

    public S3Source(S3Settings settings, long maxBytes, SourceSettings.BreakerSettings breaker) {
        this.settings = settings;
        this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        this.breakers = new Breakers("S3 endpoint", breaker);
        this.client = Lazy.of(() -> S3Clients.create(settings, false));
    }

    @Override
    public Set<String> schemes() {
        return Set.of(S3Uri.SCHEME);
    }

    @Override
    public ImageContent fetch(URI uri) throws SourceException, IOException {
        S3Uri object;
        try {
            object = S3Uri.of(uri);
        } catch (IllegalArgumentException e) {
            throw new SourceException(e.getMessage());
        }
        var refusal = settings.refusal(object.bucket());
        if (refusal.isPresent()) {
            throw new SourceException(refusal.get());
        }
        if (object.key().isEmpty() || object.key().endsWith("/")) {
            throw new SourceException("names a prefix, not an object: " + uri);
        }
        return breakers.call(settings.endpointName(), () -> download(object));
    }

    private ImageContent download(S3Uri object) throws SourceException, IOException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(object.bucket()).key(object.key())
                .ifMatch(object.ifMatch()).build();
        try (ResponseInputStream<GetObjectResponse> body = client.get().getObject(request)) {
            Long declared = body.response().contentLength();
            if (declared != null && declared > maxBytes) {
                body.abort();
                throw tooLarge(object, declared + " bytes declared");
            }
            return new ImageContent.Downloaded(read(body, object));
        } catch (S3Exception e) {
            throw refused(object, e);
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            throw new IOException("timed out after " + settings.requestTimeout().toMillis() + " ms: " + object
                    + " at " + settings.endpointName(), e);
        } catch (SdkClientException e) {
            String why = "cannot fetch " + object + " from " + settings.endpointName() + ": " + S3Clients.describe(e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    // The connection failed or broke: worth another attempt.
                    throw new IOException(why, e);
                }
            }
            // No credentials, a bad region, ...: the next attempt would fail the same way.
            throw new SourceException(why);
        }
    }

    private byte[] read(ResponseInputStream<GetObjectResponse> body, S3Uri object) throws IOException, SourceException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            total += n;
            if (total > maxBytes) {
                body.abort();
                throw tooLarge(object, "more arrived");
            }
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }

    private SourceException tooLarge(S3Uri object, String detail) {
        return new SourceException("download over the limit of " + maxBytes + " bytes: " + object + " " + detail);
    }

    /** S3's answer as a reason; the status decides whether it is worth another attempt. */
    private SourceException refused(S3Uri object, S3Exception e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
        String at = " at " + settings.endpointName();
        return switch (status) {
            case 404 -> new SourceException((code.equals("NoSuchBucket") ? "no such bucket: " + object.bucket() : "no such object: " + object) + at, 404);
            case 403 -> new SourceException("access denied to " + object + at + " (" + code + "): check the worker's credentials", 403);
            case 412 -> new SourceException("object changed since the job was submitted (its ETag is no longer " + object.etag()
                    + "): " + object.withEtag(null) + "; submit the job again to analyse the new version", 412);
            default -> new SourceException("S3 answered HTTP " + status + (code.isEmpty() ? "" : " " + code) + " for " + object + at, status);
        };
    }

    /** Closes the S3 client, if one was made: its connection pool and threads. */
    @Override
    public void close() {
        client.take().ifPresent(S3Client::close);
    }
}
