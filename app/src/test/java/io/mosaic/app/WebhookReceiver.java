package io.mosaic.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A local webhook that answers 204 and keeps the alerts posted to it that {@code keep} accepts. */
final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();

    WebhookReceiver(Predicate<JsonNode> keep) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/alerts", exchange -> {
            JsonNode alert = JSON.readTree(exchange.getRequestBody());
            if (keep.test(alert)) {
                alerts.add(alert);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** The value of {@code alert.webhook.urls} that posts here. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    /** The alerts kept, in the order they came. */
    List<JsonNode> alerts() {
        return alerts;
    }

    /** The first alert kept with this {@code event} (FIRING, RESOLVED), or null. */
    JsonNode first(String event) {
        return alerts.stream().filter(a -> a.get("event").asText().equals(event)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
