package io.mosaic.platform.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Paths of a collection of resources, such as {@code /jobs} and {@code /jobs/{jobId}}: reading
 * the id out of a request's path, and building the URL of one resource on another server with the
 * id properly escaped.
 */
public final class ResourcePath {

    private ResourcePath() {
    }

    /**
     * Empty for the collection itself ({@code /jobs} or {@code /jobs/}), the id for
     * {@code /jobs/{id}}.
     *
     * @param collection the collection's path, e.g. {@code /jobs}
     * @param path a request's decoded path
     * @throws NoSuchElementException for any other path (answered 404 by {@link HttpService})
     */
    public static Optional<String> id(String collection, String path) {
        if (path.equals(collection) || path.equals(collection + "/")) {
            return Optional.empty();
        }
        String prefix = collection + "/";
        if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
            return Optional.of(path.substring(prefix.length()));
        }
        throw new NoSuchElementException("no resource at " + path);
    }

    /**
     * {@code baseUrl + collection + "/" + id}, with {@code id} escaped as one path segment, and
     * {@code query} (may be null) appended as given.
     */
    public static URI uri(String baseUrl, String collection, String id, String query) {
        URI base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        String path = (base.getPath() == null ? "" : base.getPath()) + collection + (id == null ? "" : "/" + id);
        try {
            return new URI(base.getScheme(), base.getRawAuthority(), path, query, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build a URL from " + baseUrl + " and " + path, e);
        }
    }
}
