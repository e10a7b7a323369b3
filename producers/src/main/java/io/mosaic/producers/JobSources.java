package io.mosaic.producers;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.lifecycle.Lazy;
import io.mosaic.platform.s3.S3Clients;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.s3.S3Uri;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Turns what a user submits into a {@link JobSource}: {@code s3://bucket/prefix} (listed with the
 * {@code source.s3.*} settings), a directory (scanned), or a text file of URIs (a URL list). A
 * source the configuration does not allow is refused here, where it is submitted, with the
 * setting that would allow it, and again by every worker: a bucket not in
 * {@code source.s3.allowed.buckets}, a URL list's host not in {@code source.http.allowed.hosts}.
 * Whether a directory lies under {@code source.file.allowed.roots} is the jobs API's check (a
 * user's own {@code mosaic submit} may name any directory it can read).
 *
 * <p>Holds one S3 client, made on first use; {@link #close()} closes it.
 */
public final class JobSources implements AutoCloseable {

    private final S3Settings s3;
    private final Set<String> allowedHosts;
    private final Lazy<S3Client> client;

    public JobSources(MosaicConfig config) {
        this(S3Settings.from(config), SourceRoots.allowedHosts(config));
    }

    public JobSources(S3Settings s3, Set<String> allowedHosts) {
        this.s3 = s3;
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.client = Lazy.of(() -> S3Clients.create(s3, true));
    }

    /**
     * The images of {@code source}, counted.
     *
     * @throws IllegalArgumentException a source that does not exist, is not allowed, or holds no image URI (the caller's mistake)
     * @throws IllegalStateException the object store could not be listed
     */
    public JobSource open(String source) {
        if (S3Uri.isS3(source)) {
            return S3Listing.count(client, s3, source);
        }
        Path path = Path.of(source);
        if (Files.isRegularFile(path)) {
            return checked(UriList.read(path));
        }
        return SourceScanner.scan(path);
    }

    /** A URL list given in a request, checked against the allow-lists. */
    public UriList urls(List<String> uris) {
        return checked(UriList.of(uris));
    }

    private UriList checked(UriList list) {
        for (String uri : list.uris()) {
            if (S3Uri.isS3(uri)) {
                String bucket = S3Uri.parse(uri).bucket();
                s3.refusal(bucket).ifPresent(why -> {
                    throw new IllegalArgumentException(why + ": " + uri);
                });
            } else {
                SourceRoots.hostRefusal(allowedHosts, URI.create(uri).getHost()).ifPresent(why -> {
                    throw new IllegalArgumentException(why + ": " + uri);
                });
            }
        }
        return list;
    }

    @Override
    public void close() {
        client.take().ifPresent(S3Client::close);
    }
}
