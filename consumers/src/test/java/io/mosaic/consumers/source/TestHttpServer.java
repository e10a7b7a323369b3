package io.mosaic.consumers.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port whose paths fail, stall or succeed as a test
 * says, and which counts the requests each path received.
 */
public final class TestHttpServer implements AutoCloseable {

    /** What a path answers to its {@code n}-th request (1-based). */
    @FunctionalInterface
    public interface Responder {
        void respond(HttpExchange exchange, int n) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    private TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Handlers that stall must not hold up the others, as they would on the default single thread.
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    public static TestHttpServer start() throws IOException {
        return new TestHttpServer();
    }

    /** {@code path} answers as {@code responder} says. */
    public TestHttpServer on(String path, Responder responder) {
        AtomicInteger count = counts.computeIfAbsent(path, p -> new AtomicInteger());
        server.createContext(path, exchange -> {
            total.incrementAndGet();
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                responder.respond(exchange, count.incrementAndGet());
            } catch (IOException e) {
                // The client gave up (timeout, body over its limit): nothing left to answer.
            }
        });
        return this;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests {@code path} received. */
    public int requests(String path) {
        AtomicInteger count = counts.get(path);
        return count == null ? 0 : count.get();
    }

    /** Requests received on any path. */
    public int requests() {
        return total.get();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // What a path can answer.

    public static Responder status(int status) {
        return (exchange, n) -> send(exchange, status, ("status " + status).getBytes());
    }

    public static Responder body(byte[] body) {
        return (exchange, n) -> send(exchange, 200, body);
    }

    /** {@code status} for the first {@code failures} requests, then {@code body}. */
    public static Responder failFirst(int failures, int status, byte[] body) {
        return (exchange, n) -> send(exchange, n <= failures ? status : 200, n <= failures ? new byte[0] : body);
    }

    /** A success without Content-Length, so only the bytes that arrive tell its size. */
    public static Responder chunked(byte[] body) {
        return (exchange, n) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < body.length; i += 1024) {
                    out.write(body, i, Math.min(1024, body.length - i));
                    out.flush();
                }
            }
        };
    }

    public static Responder redirect(String location) {
        return (exchange, n) -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
        };
    }

    /** Answers nothing until {@code stall} has passed (or the server closes), then {@code body}. */
    public Responder stalled(Duration stall, byte[] body) {
        return (exchange, n) -> {
            try {
                released.await(stall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            send(exchange, 200, body);
        };
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A small textured PNG: a real image the analyzer reads as sharp. */
    public static byte[] png(int size, long seed) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = ((x / 4 + y / 4) % 2 == 0 ? 40 : 200) + random.nextInt(30);
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
