package io.mosaic.app.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the embedded brokers of this process have served, by type, from their own metrics
 * ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec}): how many round trips the
 * pipeline makes per image.
 */
final class BrokerRequests {

    private BrokerRequests() {
    }

    /** Requests served so far by type, summed over versions and brokers; empty without a broker in this JVM. */
    static Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                counts.merge(name.getKeyProperty("request"), ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the brokers' request metrics: " + e.getMessage(), e);
        }
        return counts;
    }

    /** "Type=n" per 100 images for each type with at least one, from two readings of {@link #counts()}. */
    static String per100(Map<String, Long> before, Map<String, Long> after, int images) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) * 100.0 / images))
                .filter(e -> e.getValue() >= 0.5)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
