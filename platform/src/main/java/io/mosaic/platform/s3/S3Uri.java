package io.mosaic.platform.s3;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An object, or a prefix of objects, in an S3 bucket, written {@code s3://bucket/key} as the AWS
 * command line writes it. The key is percent-encoded where a URI needs it (a space is {@code %20},
 * a {@code ?} is {@code %3F}), so every key has exactly one form and task ids, which hash the URI,
 * stay stable. A task's URI may pin the version it was listed with, {@code ?etag=...}: the worker
 * then fetches that version or fails the task saying the object changed.
 *
 * @param bucket the bucket name
 * @param key the object key, or the prefix; empty for the whole bucket
 * @param etag the entity tag (without quotes) the object must still have, or null for any version
 */
public record S3Uri(String bucket, String key, String etag) {

    public static final String SCHEME = "s3";
    private static final String ETAG_PARAMETER = "etag=";
    /** S3's rules for bucket names (3 to 63 lower-case letters, digits, dots and hyphens), checked before any request. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public S3Uri {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("not a valid bucket name: '" + bucket
                    + "' (3 to 63 lower-case letters, digits, dots and hyphens)");
        }
    }

    /** True when {@code text} is written with the {@code s3:} scheme, in any case. */
    public static boolean isS3(String text) {
        return text != null && text.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1);
    }

    /**
     * Reads {@code s3://bucket/key[?etag=...]}.
     *
     * @throws IllegalArgumentException with a message for a person when it is not such a URI
     */
    public static S3Uri parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid s3 URI: " + text + " (" + e.getReason() + ")");
        }
        return of(uri);
    }

    /** As {@link #parse(String)}, for a URI already parsed. */
    public static S3Uri of(URI uri) {
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(SCHEME)) {
            throw new IllegalArgumentException("not an s3 URI: " + uri);
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket in " + uri + "; write s3://bucket/prefix");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an s3 URI has no fragment: " + uri);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String key = decode(path.startsWith("/") ? path.substring(1) : path, uri);
        String etag = null;
        String query = uri.getRawQuery();
        if (query != null) {
            if (!query.startsWith(ETAG_PARAMETER) || query.length() == ETAG_PARAMETER.length() || query.indexOf('&') >= 0) {
                throw new IllegalArgumentException("the only query an s3 URI may have is ?etag=<entity tag>: " + uri);
            }
            etag = decode(query.substring(ETAG_PARAMETER.length()), uri);
        }
        return new S3Uri(bucket, key, etag);
    }

    /** The same object, pinned to {@code etag} (quotes, as S3 sends them, removed); null unpins it. */
    public S3Uri withEtag(String etag) {
        return new S3Uri(bucket, key, etag == null ? null : unquote(etag));
    }

    /** The same bucket with another key. */
    public S3Uri withKey(String otherKey) {
        return new S3Uri(bucket, otherKey, null);
    }

    /** The quoted entity tag for an {@code If-Match} header, or null when no version is pinned. */
    public String ifMatch() {
        return etag == null ? null : '"' + etag + '"';
    }

    @Override
    public String toString() {
        StringBuilder uri = new StringBuilder(SCHEME.length() + bucket.length() + key.length() + 8)
                .append(SCHEME).append("://").append(bucket).append('/');
        encode(key, true, uri);
        if (etag != null) {
            uri.append('?').append(ETAG_PARAMETER);
            encode(etag, false, uri);
        }
        return uri.toString();
    }

    private static String unquote(String etag) {
        String e = etag.trim();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    /** Percent-encodes all but RFC 3986's unreserved characters (and '/', in a key). */
    private static void encode(String text, boolean slash, StringBuilder out) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (slash && c == '/');
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0f]);
            }
        }
    }

    private static String decode(String raw, URI whole) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            int c = raw.codePointAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("a '%' without two hex digits in " + whole);
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("a '%' without two hex digits in " + whole);
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(c) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
