package io.mosaic.platform.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void readsBucketKeyAndPinnedVersion() {
        S3Uri uri = S3Uri.parse("s3://photos/2024/a%20b.jpg?etag=abc-2");
        assertThat(uri).isEqualTo(new S3Uri("photos", "2024/a b.jpg", "abc-2"));
        assertThat(uri.ifMatch()).isEqualTo("\"abc-2\"");
        assertThat(S3Uri.parse("S3://photos").key()).isEmpty();
    }

    @Test
    void everyKeyHasOneWrittenFormThatReadsBack() {
        for (String key : new String[] {"a.png", "dir/sub/x y.jpg", "q?.png", "hash#1.png", "percent%.png", "ünï/ｃｏｄｅ😀.png", "plus+and&.png"}) {
            S3Uri uri = new S3Uri("my.bucket-1", key, null);
            assertThat(S3Uri.parse(uri.toString())).as(key).isEqualTo(uri);
            assertThat(URI.create(uri.toString()).getScheme()).isEqualTo("s3");
        }
        assertThat(new S3Uri("b12", "q?.png", null).withEtag("\"d41d8\"").toString()).isEqualTo("s3://b12/q%3F.png?etag=d41d8");
    }

    @Test
    void refusesWhatIsNotAnObjectOrPrefix() {
        assertThatThrownBy(() -> S3Uri.parse("s3:///key")).hasMessageContaining("no bucket");
        assertThatThrownBy(() -> S3Uri.parse("s3://Bad_Bucket/key")).hasMessageContaining("not a valid bucket name");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket/key?versionId=1")).hasMessageContaining("?etag=");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket/key#x")).hasMessageContaining("no fragment");
        assertThatThrownBy(() -> S3Uri.parse("https://bucket/key")).hasMessageContaining("not an s3 URI");
    }

    @Test
    void bucketsAreOffUntilAllowedAndLocalEndpointsUsePathStyle() {
        S3Settings none = new S3Settings(Set.of(), Optional.empty(), Optional.empty(), false, false,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), null);
        assertThat(none.refusal("photos")).hasValueSatisfying(why -> assertThat(why).startsWith("s3 sources are off"));
        S3Settings some = none.withAllowedBuckets(Set.of("Photos"));
        assertThat(some.refusal("photos")).isEmpty();
        assertThat(some.refusal("other")).hasValue("bucket not allowed: other (not in source.s3.allowed.buckets)");
        assertThat(none.pathStyle()).isFalse();
        S3Settings local = new S3Settings(Set.of(), Optional.of(URI.create("http://127.0.0.1:9000")), Optional.empty(), false, false,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), null);
        assertThat(local.pathStyle()).isTrue();
        assertThat(local.endpointName()).isEqualTo("127.0.0.1:9000");
    }
}
