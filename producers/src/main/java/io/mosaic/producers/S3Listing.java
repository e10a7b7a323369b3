package io.mosaic.producers;

import io.mosaic.platform.s3.S3Clients;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.s3.S3Uri;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The images under an {@code s3://bucket/prefix}: every object whose key ends in an image
 * extension, listed a page of up to 1,000 at a time (ListObjectsV2), so a job of millions of
 * objects costs one page of memory. The prefix is listed once: the count writes each image's task
 * URI to a spool file (about 60 bytes an object; deleted by {@link #close()}), and the tasks are
 * published from it, so a slow store is listed once, not twice, and the tasks are exactly what
 * was counted however the bucket changes meanwhile. Each task's
 * URI pins the object's ETag, so a resubmitted bucket gives the same task ids for the objects
 * that did not change, and an object replaced in between is answered as changed, not analysed as
 * another picture under an old id.
 *
 * <p>A prefix is a folder, as {@code aws s3 cp --recursive} reads it: {@code s3://b/photos} is
 * every key under {@code photos/}, not {@code photos-old/}. Objects that are not images are
 * counted as skipped; keys ending in {@code /} (folder markers, which some stores list) are not
 * objects of the job at all.
 *
 * @param spool the listed task URIs, one a line; {@link #close()} deletes it
 */
public record S3Listing(S3Uri prefix, Path spool, int imageCount, int skipped, long listingMs) implements JobSource {

    /** {@code s3://bucket/prefix} as the folder it names: the key ending in '/' (or empty, the whole bucket). */
    public static S3Uri folder(String source) {
        S3Uri uri = S3Uri.parse(source);
        if (uri.etag() != null) {
            throw new IllegalArgumentException("a job's s3 source is a prefix, not one version of an object: " + source);
        }
        String key = uri.key();
        return key.isEmpty() || key.endsWith("/") ? uri : uri.withKey(key + "/");
    }

    /**
     * Counts the images under {@code source} with the client {@code client} gives, asked for only
     * once {@code settings} have allowed the bucket: a refused source costs no client.
     *
     * @throws IllegalArgumentException the bucket is not allowed or does not exist, access is
     *     denied, or the prefix holds no object: the caller's request is wrong (a 400, a one-line error)
     * @throws IllegalStateException the store could not be reached or answered with an error
     */
    public static S3Listing count(Supplier<S3Client> client, S3Settings settings, String source) {
        S3Uri prefix = folder(source);
        settings.refusal(prefix.bucket()).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        int[] counts = new int[2];
        long started = System.nanoTime();
        Path spool = null;
        try {
            spool = Files.createTempFile("mosaic-listing-", ".txt");
            try (BufferedWriter uris = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
                walk(client.get(), settings, prefix, object -> {
                    if (object.key().endsWith("/")) {
                        return;
                    }
                    if (SourceScanner.isImageName(object.key())) {
                        counts[0]++;
                        write(uris, prefix.withKey(object.key()).withEtag(object.eTag()).toString());
                    } else {
                        counts[1]++;
                    }
                });
            }
            if (counts[0] + counts[1] == 0) {
                // Nothing, or folder markers only.
                throw new IllegalArgumentException("no objects under " + prefix + " at " + settings.endpointName()
                        + ": check the bucket and prefix");
            }
            return new S3Listing(prefix, spool, counts[0], counts[1], (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | UncheckedIOException e) {
            delete(spool);
            throw new IllegalStateException("cannot spool the listing of " + prefix + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            delete(spool);
            throw e;
        }
    }

    @Override
    public String uri() {
        return prefix.toString();
    }

    @Override
    public void forEachTaskUri(Consumer<String> action) {
        try (BufferedReader uris = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            for (String uri = uris.readLine(); uri != null; uri = uris.readLine()) {
                action.accept(uri);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled listing of " + prefix + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the spool file. */
    @Override
    public void close() {
        delete(spool);
    }

    private static void write(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    private static void walk(S3Client client, S3Settings settings, S3Uri prefix, Consumer<S3Object> action) {
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(prefix.bucket()).prefix(prefix.key()).build();
        String where = " at " + settings.endpointName();
        try {
            client.listObjectsV2Paginator(request).contents().forEach(action);
        } catch (NoSuchBucketException e) {
            throw new IllegalArgumentException("no such bucket: " + prefix.bucket() + where);
        } catch (S3Exception e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (status == 403) {
                throw new IllegalArgumentException("access denied listing " + prefix + where + " (" + code
                        + "): check the credentials Mosaic runs with");
            }
            if (status == 404) {
                throw new IllegalArgumentException("no such bucket: " + prefix.bucket() + where + " (" + code + ")");
            }
            throw new IllegalStateException("cannot list " + prefix + where + ": HTTP " + status + " " + code, e);
        } catch (SdkClientException e) {
            String why = "cannot list " + prefix + where + ": " + S3Clients.describe(e);
            if (S3Clients.missingCredentials(e)) {
                // The caller's to fix, not a passing fault.
                throw new IllegalArgumentException(why);
            }
            throw new IllegalStateException(why, e);
        }
    }
}
