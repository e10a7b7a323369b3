package io.mosaic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.s3.S3Clients;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.platform.s3.S3Uri;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Listing a bucket prefix for a job, against a real S3 server (S3Proxy): paginated, stable, refused clearly. */
class S3ListingIT {

    private static final int IMAGES = 10_000;
    private static final EmbeddedS3Server server = new EmbeddedS3Server();
    private static S3Settings settings;

    @BeforeAll
    static void start() throws Exception {
        server.start();
        Path big = Files.createDirectories(server.createBucket("photos").resolve("big"));
        for (int i = 0; i < IMAGES; i++) {
            Files.write(big.resolve(String.format("img-%05d.png", i)), new byte[] {1});
        }
        for (int i = 0; i < 50; i++) {
            Files.writeString(big.resolve("notes-" + i + ".txt"), "not an image");
        }
        // A sibling whose name starts with the prefix's: not in the folder.
        Files.write(Files.createDirectories(server.dataDir().resolve("photos").resolve("big-old")).resolve("old.png"), new byte[] {1});
        Files.createDirectories(server.dataDir().resolve("photos").resolve("empty"));
        settings = server.settings(Set.of("photos", "nosuchbucket"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void listsTenThousandObjectsAPageAtATimeOnceAndHandsThemOverInTheSameOrderEveryWalk() throws Exception {
        AtomicInteger listRequests = new AtomicInteger();
        try (S3Client client = counting(listRequests); S3Listing listing = S3Listing.count(() -> client, settings, "s3://photos/big")) {
            assertThat(listing.uri()).isEqualTo("s3://photos/big/");
            assertThat(listing.imageCount()).isEqualTo(IMAGES);
            assertThat(listing.skipped()).isEqualTo(50);
            int pages = listRequests.get();
            assertThat(pages).as("pages of at most 1,000 keys").isGreaterThanOrEqualTo(IMAGES / 1000);

            List<String> first = new ArrayList<>();
            listing.forEachTaskUri(first::add);
            List<String> second = new ArrayList<>();
            listing.forEachTaskUri(second::add);
            assertThat(listRequests.get()).as("the tasks come from the one listing's spool, not a second listing").isEqualTo(pages);
            assertThat(first).hasSize(IMAGES).doesNotHaveDuplicates().isEqualTo(second);
            assertThat(first).allSatisfy(uri -> assertThat(S3Uri.parse(uri).key()).startsWith("big/img-").endsWith(".png"));
            assertThat(S3Uri.parse(first.get(0)).bucket()).isEqualTo("photos");
        }
    }

    @Test
    void anObjectPutThroughTheApiIsPinnedToItsEtag() {
        try (S3Client client = counting(new AtomicInteger())) {
            client.putObject(PutObjectRequest.builder().bucket("photos").key("pinned/a b.jpg").build(), RequestBody.fromBytes(new byte[] {1, 2, 3}));
            List<String> uris = new ArrayList<>();
            try (S3Listing listing = S3Listing.count(() -> client, settings, "s3://photos/pinned/")) {
                listing.forEachTaskUri(uris::add);
            }
            assertThat(uris).singleElement().satisfies(uri -> {
                S3Uri parsed = S3Uri.parse(uri);
                assertThat(parsed.key()).isEqualTo("pinned/a b.jpg");
                assertThat(uri).isEqualTo("s3://photos/pinned/a%20b.jpg?etag=" + md5(new byte[] {1, 2, 3}));
            });
        }
    }

    @Test
    void aBucketThatIsUnknownNotAllowedOrDeniedOrAnEmptyPrefixIsTheCallersMistake() {
        try (S3Client client = counting(new AtomicInteger())) {
            assertThatThrownBy(() -> S3Listing.count(() -> client, settings, "s3://nosuchbucket/x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such bucket: nosuchbucket");
            assertThatThrownBy(() -> S3Listing.count(() -> client, settings, "s3://photos/nothing-here"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no objects under s3://photos/nothing-here/");
            assertThatThrownBy(() -> S3Listing.count(() -> client, settings, "s3://other-bucket/x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket not allowed: other-bucket");
            assertThatThrownBy(() -> S3Listing.count(() -> client, settings.withAllowedBuckets(Set.of()), "s3://photos/big"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3 sources are off");
        }
        S3Settings wrongKey = settings.withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("intruder", "not-the-secret")));
        try (S3Client client = S3Clients.create(wrongKey, false)) {
            assertThatThrownBy(() -> S3Listing.count(() -> client, wrongKey, "s3://photos/big"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("access denied listing s3://photos/big/")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client for the server that counts its ListObjectsV2 requests. */
    private static S3Client counting(AtomicInteger lists) {
        return S3Client.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(server.credentials())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof ListObjectsV2Request) {
                            lists.incrementAndGet();
                        }
                    }
                }))
                .build();
    }
}
