package io.mosaic.producers;

import io.mosaic.platform.s3.S3Uri;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A job of images that are not in one place: {@code http(s)://} and {@code s3://} URIs, one per
 * line of a text file (blank lines and lines starting with {@code #} left out) or the
 * {@code urls} of a {@code POST /jobs}. A URI listed twice is one task. Whether a worker may fetch
 * each one is the workers' check (and the jobs API's, before it publishes); this class checks
 * the form only, and names the line of the first bad one.
 */
public final class UriList implements JobSource {

    /** Lines beyond this are refused: a list is held in memory, and a bigger job belongs in a bucket. */
    public static final int MAX_URIS = 1_000_000;
    private static final Set<String> SCHEMES = Set.of("http", "https", "s3");

    private final String source;
    private final List<String> uris;
    private final int duplicates;

    private UriList(String source, List<String> uris, int duplicates) {
        this.source = source;
        this.uris = List.copyOf(uris);
        this.duplicates = duplicates;
    }

    /**
     * The URIs of the text file {@code file}; its {@code file:} URI names the job.
     *
     * @throws IllegalArgumentException for a file that cannot be read or a line that is not an http(s) or s3 URI
     */
    public static UriList read(Path file) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
                if (lines.size() > MAX_URIS * 2) {
                    throw new IllegalArgumentException(file + " has more than " + MAX_URIS + " lines; put such a job in a bucket");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the URL list " + file + ": " + e.getMessage(), e);
        }
        return of(file.toAbsolutePath().normalize().toUri().toString(), lines, file.toString());
    }

    /**
     * The URIs in {@code lines}, given in a request rather than a file; the job's source is
     * {@code urn:mosaic:url-list:} and a hash of the distinct URIs, so the same list is the same job.
     */
    public static UriList of(List<String> lines) {
        UriList parsed = of("", lines, "urls");
        return new UriList("urn:mosaic:url-list:" + digest(parsed.uris), parsed.uris, parsed.duplicates);
    }

    private static UriList of(String source, List<String> lines, String where) {
        Set<String> uris = new LinkedHashSet<>();
        int duplicates = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i) == null ? "" : lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String uri = normalized(line, where + " line " + (i + 1));
            if (!uris.add(uri)) {
                duplicates++;
            }
            if (uris.size() > MAX_URIS) {
                throw new IllegalArgumentException(where + " has more than " + MAX_URIS + " URIs; put such a job in a bucket");
            }
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException(where + " holds no URI: give one http://, https:// or s3:// URI per line");
        }
        return new UriList(source, new ArrayList<>(uris), duplicates);
    }

    /** The URI as tasks carry it: s3 ones in their one written form, others as given. */
    private static String normalized(String text, String where) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(where + ": not a valid URI (" + e.getReason() + "): " + text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException(where + ": only http://, https:// and s3:// URIs may be listed, got " + text);
        }
        if (scheme.equals("s3")) {
            try {
                S3Uri object = S3Uri.of(uri);
                if (object.key().isEmpty() || object.key().endsWith("/")) {
                    throw new IllegalArgumentException("names a prefix, not an object; submit s3://bucket/prefix as the job's source instead");
                }
                return object.toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage() + ": " + text);
            }
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(where + ": no host in " + text);
        }
        return uri.toString();
    }

    private static String digest(List<String> uris) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String uri : uris) {
                sha.update(uri.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The distinct URIs, in the order first listed. */
    public List<String> uris() {
        return uris;
    }

    @Override
    public String uri() {
        return source;
    }

    @Override
    public int imageCount() {
        return uris.size();
    }

    /** URIs listed more than once (each counted as one task). */
    @Override
    public int skipped() {
        return duplicates;
    }

    @Override
    public void forEachTaskUri(Consumer<String> action) {
        uris.forEach(action);
    }
}
