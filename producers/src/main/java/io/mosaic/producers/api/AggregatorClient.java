package io.mosaic.producers.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.platform.http.ResourcePath;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Asks the aggregator instances for job summaries over their query endpoints
 * ({@code GET /jobs/{jobId}}, {@code GET /jobs}). Any instance can answer for any job, since each
 * routes the query to the instance that holds the job, so the URLs are tried in turn until one
 * answers: an instance that is down or rebalancing (503) is skipped, and a 404 from one that
 * answers is final.
 */
final class AggregatorClient {

    /** What the aggregators said. */
    sealed interface Answer {
        record Found(JsonNode json) implements Answer {
        }

        record Missing() implements Answer {
        }

        record Unavailable(String why) implements Answer {
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/jobs";

    private final List<String> baseUrls;
    private final Duration timeout;
    private final HttpClient client;

    AggregatorClient(List<String> baseUrls, Duration timeout) {
        this.baseUrls = List.copyOf(baseUrls);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The URLs of setting {@code aggregator.urls}: comma-separated, each {@code http://host:port}
     * with an optional path.
     */
    static List<String> parseUrls(String setting) {
        List<String> urls = setting == null ? List.of()
                : Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("aggregator.urls names no aggregator; give e.g. http://127.0.0.1:7072");
        }
        for (String url : urls) {
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new URISyntaxException(url, "not an http URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("aggregator.urls: '" + url + "' is not an http://host:port URL");
            }
        }
        return urls;
    }

    Answer job(String jobId) {
        return ask(base -> ResourcePath.uri(base, PATH, jobId, null));
    }

    Answer jobs() {
        return ask(base -> ResourcePath.uri(base, PATH, null, null));
    }

    private Answer ask(java.util.function.Function<String, URI> target) {
        List<String> failures = new ArrayList<>();
        for (String base : baseUrls) {
            URI uri = target.apply(base);
            try {
                HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    return new Answer.Found(JSON.readTree(response.body()));
                }
                if (response.statusCode() == 404) {
                    return new Answer.Missing();
                }
                failures.add(base + " answered " + response.statusCode() + errorOf(response.body()));
            } catch (IOException e) {
                failures.add(base + " did not answer (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer.Unavailable("interrupted while asking " + base);
            }
        }
        return new Answer.Unavailable("no aggregator answered: " + String.join("; ", failures));
    }

    private static String errorOf(byte[] body) {
        try {
            String error = JSON.readTree(body).path("error").asText("");
            return error.isEmpty() ? "" : " (" + error + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
