package io.mosaic.dashboard.lag;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every monitored group's offsets every interval, evaluates them, and hands each
 * {@link LagReport} to its listeners (metrics, alerts). A round that fails is logged and leaves
 * the last good report in place, marked with the error; the next round tries again.
 *
 * <p>Reads no topic itself, but for {@link MarkerProbe}'s short read_committed reads of partitions
 * whose lag may be transaction markers; it joins no consumer group, so it never shows up in its
 * own report.
 */
public final class LagMonitor implements Lifecycle, LagSource {

    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);

    private final MosaicConfig config;
    private final Pattern groups;
    private final Duration interval;
    /** A round gives up after this long; the next interval tries again. */
    private final Duration timeout;
    private final LagEvaluator evaluator;
    private final List<Consumer<LagReport>> listeners = new CopyOnWriteArrayList<>();
    private volatile LagReport current = LagReport.EMPTY;
    private ScheduledExecutorService scheduler;
    private Admin admin;
    private MarkerProbe probe;
    private AdminOffsetReader reader;

    public LagMonitor(MosaicConfig config, Pattern groups, Duration interval, int window) {
        this.config = config;
        this.groups = groups;
        this.interval = interval;
        this.timeout = Duration.ofMillis(Math.max(5_000, interval.toMillis() * 2));
        this.evaluator = new LagEvaluator(window, interval.toMillis());
    }

    @Override
    public String name() {
        return "lag monitor (every " + interval.toMillis() + " ms)";
    }

    /** Called with every report, on the monitor's thread; a listener that throws is logged and skipped. */
    public void onReport(Consumer<LagReport> listener) {
        listeners.add(listener);
    }

    /** The latest report. */
    @Override
    public LagReport current() {
        return current;
    }

    /** Histories for the charts. */
    @Override
    public LagEvaluator evaluator() {
        return evaluator;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public synchronized void start() {
        admin = Admin.create(KafkaClients.withOverrides(KafkaClients.base(config, "dashboard"), config));
        probe = new MarkerProbe(this::newProbeConsumer, Duration.ofMillis(Math.min(1_000, interval.toMillis() / 2)));
        // A round must not hang on an unreachable cluster: each of its requests gives up after the timeout.
        reader = new AdminOffsetReader(admin, groups, timeout, Clock.systemUTC());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mosaic-lag-monitor");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: read, evaluate, publish. */
    void round() {
        long started = System.currentTimeMillis();
        LagReport report;
        try {
            OffsetSnapshot snapshot = reader.read();
            probe.refresh(snapshot);
            report = evaluator.evaluate(snapshot, probe);
            report = new LagReport(report.timeMs(), System.currentTimeMillis() - started, report.groups(), report.partitions(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (TimeoutException e) {
            log.warn("Could not read consumer group offsets: no answer within {} ms", timeout.toMillis());
            report = current.failed(started, "cannot read offsets: no answer from the cluster within " + timeout.toMillis() + " ms");
        } catch (Exception e) {
            String reason = e.getCause() != null ? e.getCause().toString() : e.toString();
            log.warn("Could not read consumer group offsets: {}", reason);
            report = current.failed(started, "cannot read offsets: " + reason);
        }
        current = report;
        for (Consumer<LagReport> listener : listeners) {
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                log.warn("A lag report listener failed: {}", e.toString(), e);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> newProbeConsumer() {
        Map<String, Object> props = KafkaClients.base(config, "dashboard-probe");
        // Markers and aborted records are exactly what a read_committed reader skips.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        // No group: the probe seeks where it wants and must not appear among the monitored groups.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // One record is enough to know a lag is real; do not fetch a whole backlog to learn it.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        return new KafkaConsumer<>(KafkaClients.withOverrides(props, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("The lag monitor did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
        if (probe != null) {
            probe.close();
            probe = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
