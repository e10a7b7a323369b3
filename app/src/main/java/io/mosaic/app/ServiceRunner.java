package io.mosaic.app;

import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.metrics.ServiceMetrics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a service in the foreground: starts its parts in order, serves its HTTP endpoints
 * ({@code /health} at least), and on SIGTERM or Ctrl-C stops them in reverse order, finishing or
 * aborting whatever transaction is open.
 */
final class ServiceRunner {

    private ServiceRunner() {
    }

    /**
     * Starts {@code parts}, adds {@code GET /health} (503 until every part has started and
     * {@code ready} holds) and {@code GET /metrics} to {@code http}, and blocks until the JVM is
     * asked to stop.
     */
    static int run(String service, List<? extends Lifecycle> parts, HttpService http, ServiceMetrics metrics,
                   BooleanSupplier ready, PrintWriter out) throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        http.health(() -> new HttpService.Health(started.get() && ready.getAsBoolean(), Map.of("service", service)));
        metrics.serveOn(http);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "mosaic-" + service + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Lifecycles running = new Lifecycles()) {
            running.start(http);
            out.printf("%s: health at %s/health, metrics at %s/metrics%n", service, http.url(), http.url());
            out.flush();
            for (Lifecycle part : parts) {
                running.start(part);
            }
            started.set(true);
            out.printf("%s: running (Ctrl-C or SIGTERM stops it)%n", service);
            out.flush();
            stopped.await();
            out.printf("%s: stopping%n", service);
            out.flush();
        }
        return 0;
    }
}
