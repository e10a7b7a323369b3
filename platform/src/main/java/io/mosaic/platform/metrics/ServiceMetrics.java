package io.mosaic.platform.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mosaic.platform.http.HttpService;

/**
 * A service's Prometheus metrics: JVM and process meters plus whatever the service registers,
 * every series tagged {@code service}, served at {@code /metrics} in the text format Prometheus
 * scrapes.
 */
public final class ServiceMetrics {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public ServiceMetrics(String service) {
        registry.config().commonTags("service", service);
        bindProcessMeters(registry);
        new JvmGcMetrics().bindTo(registry);
    }

    /** The JVM's memory and threads, the process's CPU and uptime: what every Mosaic registry shows of its process. */
    public static void bindProcessMeters(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The scrape in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Adds {@code GET /metrics} to {@code http}. */
    public HttpService serveOn(HttpService http) {
        return http.route("/metrics", request -> HttpService.Response.text(200, CONTENT_TYPE, scrape()));
    }
}
