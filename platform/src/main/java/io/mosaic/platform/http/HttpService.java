package io.mosaic.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mosaic.platform.lifecycle.Lifecycle;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for a service's own endpoints: JSON in and out, {@code /health} for
 * readiness, 127.0.0.1 unless told otherwise. Handlers signal a bad request with
 * {@link IllegalArgumentException} (400) and an unknown resource with
 * {@link NoSuchElementException} (404); both answer {@code {"error": "..."}}.
 */
public final class HttpService implements Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(HttpService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1 << 20;

    /** One request, its body read (at most 1 MiB). */
    public record Request(String method, String path, Map<String, String> query, byte[] body, HttpExchange exchange) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A response: status, content type and body. */
    public record Response(int status, String contentType, byte[] body) {

        public static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write JSON", e);
            }
        }

        public static Response text(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** Readiness: ready only once the service's Kafka clients are up. */
    public record Health(boolean ready, Map<String, Object> details) {
    }

    private final String name;
    private final String bindAddress;
    private final int requestedPort;
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public HttpService(String name, String bindAddress, int port) {
        this.name = name;
        this.bindAddress = bindAddress;
        this.requestedPort = port;
    }

    /** Serves every path under {@code prefix} (longest prefix wins); call before {@link #start()}. */
    public synchronized HttpService route(String prefix, Handler handler) {
        routes.put(prefix, handler);
        return this;
    }

    /** Adds {@code GET /health}: 200 with the details when ready, 503 otherwise. */
    public HttpService health(Supplier<Health> health) {
        return route("/health", request -> {
            Health h = health.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", h.ready() ? "UP" : "STARTING");
            body.putAll(h.details());
            return Response.json(h.ready() ? 200 : 503, body);
        });
    }

    @Override
    public String name() {
        return name + " HTTP on " + bindAddress + ":" + requestedPort;
    }

    @Override
    public void validate() {
        if (requestedPort < 0 || requestedPort > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + requestedPort);
        }
    }

    @Override
    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 0);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name + "-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        routes.forEach((prefix, handler) -> server.createContext(prefix, exchange -> serve(exchange, handler)));
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(name + " HTTP is not running");
        }
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + (bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress) + ":" + port();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private static void serve(HttpExchange exchange, Handler handler) throws IOException {
        Response response;
        try {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("request body over " + MAX_BODY_BYTES + " bytes");
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    query(exchange.getRequestURI().getRawQuery()), body, exchange);
            response = handler.handle(request);
        } catch (IllegalArgumentException e) {
            response = Response.json(400, Map.of("error", String.valueOf(e.getMessage())));
        } catch (NoSuchElementException e) {
            response = Response.json(404, Map.of("error", String.valueOf(e.getMessage())));
        } catch (Exception e) {
            log.warn("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            response = Response.json(500, Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        if (response == null) {
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }
}
