package io.mosaic.platform.s3;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where and how {@code s3://} sources are read, from the {@code source.s3.*} settings: the jobs API
 * and {@code mosaic submit} list a bucket with them, the workers download its objects.
 *
 * <p>Off by default, as file roots and http hosts are: a bucket must be named in
 * {@code source.s3.allowed.buckets}. Credentials come from the AWS SDK's standard chain (the
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} environment variables, the
 * {@code ~/.aws} profile files, {@code AWS_PROFILE}, container and instance roles), never from a
 * Mosaic setting, so no secret is ever in a properties file, a log line or {@code mosaic config}.
 *
 * @param allowedBuckets buckets that may be listed and read; empty turns s3 sources off
 * @param endpoint an S3-compatible store's base URL (MinIO, Ceph, R2, S3Proxy), or empty for AWS
 * @param region the signing region, or empty for the SDK's region chain (us-east-1 when it finds none)
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}
 * @param anonymous send unsigned requests, for public buckets
 * @param connectTimeout longest wait to open a connection
 * @param requestTimeout longest wait for one request, a whole download included
 * @param credentials credentials to use instead of the standard chain (for embedding and tests), or null
 */
public record S3Settings(Set<String> allowedBuckets, Optional<URI> endpoint, Optional<String> region, boolean pathStyle,
                         boolean anonymous, Duration connectTimeout, Duration requestTimeout, AwsCredentialsProvider credentials) {

    public static final Setting<String> ALLOWED_BUCKETS = Setting.string("source.s3.allowed.buckets", null,
            "comma-separated buckets that s3:// sources may name (default: none, so s3 sources are off)");
    public static final Setting<String> ENDPOINT = Setting.string("source.s3.endpoint", null,
            "base URL of an S3-compatible store, e.g. http://minio:9000 (default: AWS S3 itself)");
    public static final Setting<String> REGION = Setting.string("source.s3.region", null,
            "signing region (default: the AWS SDK's region chain, AWS_REGION or ~/.aws/config; us-east-1 when it finds none)");
    public static final Setting<Boolean> PATH_STYLE = Setting.flag("source.s3.path.style", false,
            "address buckets as http://host/bucket rather than http://bucket.host, as MinIO and S3Proxy need"
                    + " (always on for an endpoint that is an IP address or localhost)");
    public static final Setting<Boolean> ANONYMOUS = Setting.flag("source.s3.anonymous", false,
            "send unsigned requests, for public buckets; credentials otherwise come from the AWS SDK's standard chain"
                    + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, container and instance roles)");
    public static final Setting<Integer> CONNECT_TIMEOUT_MS = Setting.integer("source.s3.connect.timeout.ms", 3000, 1, Integer.MAX_VALUE,
            "longest wait to open a connection to the S3 endpoint, in milliseconds");
    public static final Setting<Integer> REQUEST_TIMEOUT_MS = Setting.integer("source.s3.request.timeout.ms", 30000, 1, Integer.MAX_VALUE,
            "longest wait for one S3 request (a listing page, or a whole download), in milliseconds");

    public static final List<Setting<?>> SETTINGS = List.of(ALLOWED_BUCKETS, ENDPOINT, REGION, PATH_STYLE, ANONYMOUS,
            CONNECT_TIMEOUT_MS, REQUEST_TIMEOUT_MS);

    /** Used when neither the setting nor the SDK's chain names a region: S3-compatible stores mostly ignore it. */
    public static final String FALLBACK_REGION = "us-east-1";

    public S3Settings {
        allowedBuckets = allowedBuckets.stream().map(b -> b.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        pathStyle = pathStyle || endpoint.map(S3Settings::needsPathStyle).orElse(false);
    }

    /** The settings in {@code config}; a bad value is an {@link IllegalArgumentException} naming its key. */
    public static S3Settings from(MosaicConfig config) {
        return new S3Settings(Set.copyOf(list(config.get(ALLOWED_BUCKETS))), endpoint(config.get(ENDPOINT)),
                Optional.ofNullable(config.get(REGION)).map(String::trim).filter(r -> !r.isEmpty()),
                config.get(PATH_STYLE), config.get(ANONYMOUS),
                Duration.ofMillis(config.get(CONNECT_TIMEOUT_MS)), Duration.ofMillis(config.get(REQUEST_TIMEOUT_MS)), null);
    }

    /** A copy that signs with {@code provider} instead of the standard chain. */
    public S3Settings withCredentials(AwsCredentialsProvider provider) {
        return new S3Settings(allowedBuckets, endpoint, region, pathStyle, anonymous, connectTimeout, requestTimeout, provider);
    }

    /** A copy with other allowed buckets. */
    public S3Settings withAllowedBuckets(Set<String> buckets) {
        return new S3Settings(buckets, endpoint, region, pathStyle, anonymous, connectTimeout, requestTimeout, credentials);
    }

    /** True when at least one bucket is allowed. */
    public boolean enabled() {
        return !allowedBuckets.isEmpty();
    }

    /**
     * Why {@code bucket} may not be read, or empty when it may. Checked before any request, so a
     * refused bucket costs the store nothing and reveals nothing.
     */
    public Optional<String> refusal(String bucket) {
        if (allowedBuckets.isEmpty()) {
            return Optional.of("s3 sources are off (" + ALLOWED_BUCKETS.key() + " is empty; set it, env "
                    + ALLOWED_BUCKETS.environmentVariable() + ", to the buckets Mosaic may read)");
        }
        if (!allowedBuckets.contains(bucket)) {
            return Optional.of("bucket not allowed: " + bucket + " (not in " + ALLOWED_BUCKETS.key() + ")");
        }
        return Optional.empty();
    }

    /** Where requests go, for messages and one circuit breaker per endpoint: the override, or AWS. */
    public String endpointName() {
        return endpoint.map(e -> e.getHost() + (e.getPort() > 0 ? ":" + e.getPort() : "")).orElse("s3.amazonaws.com");
    }

    private static Optional<URI> endpoint(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException(ENDPOINT.key() + " must be an http:// or https:// URL with a host, got '" + raw + "'");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(ENDPOINT.key() + " must not hold credentials; use the AWS SDK's credential chain");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT.key() + " is not a URL: '" + raw + "' (" + e.getReason() + ")");
        }
    }

    /** Virtual-hosted addressing puts the bucket in the host name, which an address or localhost cannot take. */
    private static boolean needsPathStyle(URI endpoint) {
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static List<String> list(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
