package io.mosaic.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServiceTest {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService http;

    @BeforeEach
    void start() throws Exception {
        http = new HttpService("test", "127.0.0.1", 0)
                .health(() -> new HttpService.Health(ready.get(), Map.of("kafka", ready.get() ? "connected" : "connecting")))
                .route("/echo", r -> HttpService.Response.json(200, Map.of("method", r.method(), "body", r.bodyText(), "q", r.query())))
                .route("/bad", r -> {
                    throw new IllegalArgumentException("missing field 'source'");
                })
                .route("/missing", r -> {
                    throw new NoSuchElementException("no job x");
                })
                .route("/boom", r -> {
                    throw new IllegalStateException("broken");
                });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop();
        http.stop();
    }

    @Test
    void healthIs503UntilReadyThen200() throws Exception {
        HttpResponse<String> starting = get("/health");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).contains("\"status\":\"STARTING\"");
        ready.set(true);
        HttpResponse<String> up = get("/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"").contains("\"kafka\":\"connected\"");
    }

    @Test
    void routesReceiveMethodBodyAndQuery() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(http.url() + "/echo?a=1&b=x%20y"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).contains("\"method\":\"POST\"").contains("{\\\"k\\\":1}").contains("\"b\":\"x y\"");
    }

    @Test
    void errorsAreJsonWithTheRightStatus() throws Exception {
        assertThat(get("/bad")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("{\"error\":\"missing field 'source'\"}");
        });
        assertThat(get("/missing").statusCode()).isEqualTo(404);
        assertThat(get("/boom").statusCode()).isEqualTo(500);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(http.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
