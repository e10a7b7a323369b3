package io.mosaic.consumers.source;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.lifecycle.Lazy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code http:} and {@code https:} URIs, from allowed hosts only. Off unless
 * {@code source.http.allowed.hosts} names at least one host: a worker fetches whatever URI a task
 * names, and without a list anyone who can publish a task could make it request internal addresses.
 *
 * <p>Every attempt is bounded: a connect timeout, one deadline for the whole exchange (redirects, headers
 * and body), and a byte limit enforced while the body arrives. Redirects are followed here, at most
 * {@value #MAX_REDIRECTS}, and only to allowed hosts.
 *
 * <p>Each host has its own circuit breaker ({@link Breakers}): when a host keeps failing, further fetches
 * from it fail at once with "circuit open for host ..." instead of adding load to a struggling server and
 * holding analyzer threads in timeouts.
 */
public final class HttpSource implements ImageSource {

    static final int MAX_REDIRECTS = 5;

    private final SourceSettings.HttpSettings settings;
    private final long maxBytes;
    private final Breakers breakers;
    /** Built on first use, so a worker with http off starts no client threads. */
    private final Lazy<HttpClient> client;

    public HttpSource(SourceSettings.HttpSettings settings) {
        this.settings = settings;
        // A byte[] cannot hold more, whatever the configured limit.
        this.maxBytes = Math.min(settings.maxBytes(), Integer.MAX_VALUE - 8);
        this.breakers = new Breakers("host", settings.breaker());
        this.client = Lazy.of(() -> HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // Redirects are followed by download(), which checks each target's host.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    @Override
    public Set<String> schemes() {
        return Set.of("http", "https");
    }

    @Override
    public ImageContent fetch(URI uri) throws SourceException, IOException {
        String host = allowedHost(uri, "");
        return breakers.call(host, () -> download(uri));
    }

    /** The circuit state of {@code host}, if anything was fetched from it yet. */
    public Optional<CircuitBreaker.State> circuitState(String host) {
        return breakers.state(host);
    }

    private ImageContent download(URI uri) throws SourceException, IOException {
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = HttpRequest.newBuilder(current)
                    .timeout(settings.requestTimeout())
                    .header("Accept", "image/*")
                    .GET()
                    .build();
            String what = current.toString();
            HttpResponse<byte[]> response = await(client.get().sendAsync(request, info -> body(info, what)), deadline, what);
            int status = response.statusCode();
            if (status >= 200 && status <= 299) {
                return new ImageContent.Downloaded(response.body());
            }
            if (!isRedirect(status)) {
                throw new SourceException("HTTP " + status + " from " + current, status);
            }
            if (redirects == MAX_REDIRECTS) {
                throw new SourceException("more than " + MAX_REDIRECTS + " redirects from " + uri);
            }
            URI from = current;
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new SourceException("HTTP " + status + " without a Location from " + from));
            try {
                current = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new SourceException("HTTP " + status + " from " + current + " with a bad Location: " + location);
            }
            allowedHost(current, "redirect from " + from + " to ");
        }
    }

    /** The body of a success, bounded; any other answer's body is not kept. */
    private HttpResponse.BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info, String what) {
        if (info.statusCode() < 200 || info.statusCode() > 299) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new BoundedBody(maxBytes, declared, what);
    }

    private <T> T await(CompletableFuture<T> response, long deadline, String what) throws SourceException, IOException {
        try {
            return response.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw timedOut(what);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while fetching " + what);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof SourceException refused) {
                throw refused;
            }
            if (cause instanceof HttpConnectTimeoutException) {
                throw new HttpConnectTimeoutException("connect timed out after "
                        + settings.connectTimeout().toMillis() + " ms: " + what);
            }
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(what);
            }
            if (cause instanceof IOException io) {
                throw new IOException("cannot fetch " + what + ": " + describe(io), io);
            }
            throw new SourceException("cannot fetch " + what + ": " + describe(cause));
        }
    }

    private HttpTimeoutException timedOut(String what) {
        return new HttpTimeoutException("timed out after " + settings.requestTimeout().toMillis() + " ms: " + what);
    }

    /** The host of {@code uri} when it may be fetched from; {@code context} prefixes the refusal. */
    private String allowedHost(URI uri, String context) throws SourceException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new SourceException(context + "not an http or https URI: " + uri);
        }
        if (uri.getHost() == null) {
            throw new SourceException(context + "no host in " + uri);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        var refusal = SourceRoots.hostRefusal(settings.allowedHosts(), host);
        if (refusal.isPresent()) {
            throw new SourceException(context + refusal.get());
        }
        return host;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // The client may wrap what the body subscriber failed with.
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SourceException) {
                return c;
            }
        }
        return cause;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + message;
    }
}
