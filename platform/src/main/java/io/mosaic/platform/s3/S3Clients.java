package io.mosaic.platform.s3;

import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds S3 clients from {@link S3Settings}: one way for the submitter's listings and the workers' downloads. */
public final class S3Clients {

    private S3Clients() {
    }

    /**
     * A client for {@code settings}.
     *
     * @param sdkRetries true to let the SDK retry throttling and server errors itself (its standard
     *     mode: backoff with jitter), as a listing wants; false for one attempt per call, when the
     *     caller retries through its own circuit breaker, as the workers do
     */
    public static S3Client create(S3Settings settings, boolean sdkRetries) {
        var builder = S3Client.builder()
                .region(region(settings))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: many S3-compatible stores (S3Proxy, older
                // MinIO, Ceph) refuse the SDK's default trailing checksums of every request.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.requestTimeout())
                        .maxConnections(64))
                .overrideConfiguration(o -> {
                    o.apiCallTimeout(settings.requestTimeout());
                    if (!sdkRetries) {
                        o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                });
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * A client error in a line: the SDK's own message, except for missing credentials, whose message
     * lists every provider of the chain and what each lacked; that becomes one sentence saying where
     * credentials may come from.
     */
    public static String describe(SdkClientException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (missingCredentials(e)) {
            return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or"
                    + " AWS_SHARED_CREDENTIALS_FILE (or ~/.aws/credentials), run with a container or instance role, or set "
                    + S3Settings.ANONYMOUS.key() + "=true for a public bucket";
        }
        return message;
    }

    /** True when {@code e} says the credential chain found nothing: a setup to fix, not a passing fault. */
    public static boolean missingCredentials(SdkClientException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials");
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.credentials() != null) {
            return settings.credentials();
        }
        return settings.anonymous() ? AnonymousCredentialsProvider.create() : DefaultCredentialsProvider.builder().build();
    }

    private static Region region(S3Settings settings) {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        return chainRegion().orElse(Region.of(S3Settings.FALLBACK_REGION));
    }

    private static Optional<Region> chainRegion() {
        try {
            return Optional.of(DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkClientException e) {
            return Optional.empty();
        }
    }
}
