package io.mosaic.app.lab;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Retries against a flaky image server: a real HTTP server on loopback that answers 503 to every
 * request for a few seconds in the middle of the run, as an overloaded store does, and clients
 * that fetch images from it in a loop. Three ways of retrying, one after another against the same
 * outage: at once, with exponential backoff and jitter, and with backoff behind a circuit breaker
 * (what Mosaic's workers do, per endpoint). Counted on the server: requests, and how many came
 * while it was down. Counted on the clients: fetches that succeeded and failed.
 */
final class RetriesExperiment implements Experiment.Trial {

    static final int CLIENTS = 8;
    static final int ATTEMPTS = 5;
    static final Duration RUN = Duration.ofSeconds(8);
    static final Duration OUTAGE_FROM = Duration.ofSeconds(2);
    static final Duration OUTAGE_FOR = Duration.ofSeconds(3);
    static final Duration BETWEEN_FETCHES = Duration.ofMillis(50);

    enum Strategy {
        IMMEDIATE("retry at once, " + ATTEMPTS + " attempts"),
        BACKOFF("exponential backoff + jitter, 100 ms doubling"),
        BREAKER("backoff + circuit breaker (opens at 50% of 10)");

        final String label;

        Strategy(String label) {
            this.label = label;
        }
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        LabResult.Builder result = LabResult.builder("retries: " + CLIENTS + " clients fetching for " + RUN.toSeconds() + " s; the server answers 503 for "
                + OUTAGE_FOR.toSeconds() + " s from " + OUTAGE_FROM.toSeconds() + " s (a real HTTP server on loopback)",
                "strategy", "requests", "while down", "fetched", "failed");
        List<Outcome> outcomes = new ArrayList<>();
        for (Strategy strategy : Strategy.values()) {
            Outcome outcome = measure(strategy);
            outcomes.add(outcome);
            run.say("%s: %d requests (%d while down), %d fetched, %d failed", strategy.label, outcome.requests, outcome.whileDown,
                    outcome.fetched, outcome.failed);
            result.row(strategy.label, Integer.toString(outcome.requests), Integer.toString(outcome.whileDown),
                    Integer.toString(outcome.fetched), Integer.toString(outcome.failed));
            String key = strategy.name().toLowerCase(Locale.ROOT);
            result.measure(key + "Requests", outcome.requests).measure(key + "WhileDown", outcome.whileDown)
                    .measure(key + "Fetched", outcome.fetched).measure(key + "Failed", outcome.failed);
        }
        Outcome immediate = outcomes.get(0);
        Outcome backoff = outcomes.get(1);
        Outcome breaker = outcomes.get(2);
        return result
                .lesson("Retrying at once multiplied the load on a server that was already failing (%d requests while it was down) and"
                        + " still gave up on %d fetches: the attempts ran out within milliseconds.", immediate.whileDown, immediate.failed)
                .lesson("Backoff with jitter spread the attempts out (%d while down) and rode out the outage (%d failed); the breaker"
                        + " stopped calling once most calls failed (%d while down) and failed %d fetches at once instead of making"
                        + " each wait: the server is spared, and the client knows at once.",
                        backoff.whileDown, backoff.failed, breaker.whileDown, breaker.failed)
                .build();
    }

    private record Outcome(int requests, int whileDown, int fetched, int failed) {
    }

    private Outcome measure(Strategy strategy) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger whileDown = new AtomicInteger();
        long started = System.nanoTime();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        byte[] image = new byte[2_048];
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            long at = System.nanoTime() - started;
            boolean down = at >= OUTAGE_FROM.toNanos() && at < OUTAGE_FROM.plus(OUTAGE_FOR).toNanos();
            if (down) {
                whileDown.incrementAndGet();
            }
            byte[] body = down ? "overloaded".getBytes(java.nio.charset.StandardCharsets.UTF_8) : image;
            exchange.sendResponseHeaders(down ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.start();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            Retry retry = Retry.of("lab-" + strategy, RetryConfig.custom().maxAttempts(ATTEMPTS)
                    .intervalFunction(strategy == Strategy.IMMEDIATE ? IntervalFunction.of(Duration.ofMillis(1))
                            : IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 0.5))
                    // An open circuit answers at once; retrying it would only wait.
                    .retryOnException(e -> !(e instanceof CallNotPermittedException)).build());
            CircuitBreaker circuit = CircuitBreaker.of("lab-" + strategy, CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(10).minimumNumberOfCalls(10)
                    .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1)).permittedNumberOfCallsInHalfOpenState(2).build());
            AtomicInteger fetched = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                loops.add(clients.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() - started < RUN.toNanos()) {
                        URI uri = base.resolve("img-" + client + "-" + n++ + ".png");
                        Supplier<byte[]> get = () -> get(http, uri);
                        Supplier<byte[]> guarded = strategy == Strategy.BREAKER ? CircuitBreaker.decorateSupplier(circuit, get) : get;
                        try {
                            Retry.decorateSupplier(retry, guarded).get();
                            fetched.incrementAndGet();
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                        Thread.sleep(BETWEEN_FETCHES.toMillis());
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
            return new Outcome(requests.get(), whileDown.get(), fetched.get(), failed.get());
        } finally {
            clients.shutdownNow();
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static byte[] get(HttpClient http, URI uri) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " for " + uri);
            }
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
