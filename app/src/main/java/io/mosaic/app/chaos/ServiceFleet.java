package io.mosaic.app.chaos;

import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.streams.AggregatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The workers and aggregators of a chaos run, each a child JVM. Starting waits until every one
 * runs; stopping kills whatever is left, paused processes included, so nothing outlives the run.
 */
final class ServiceFleet implements Lifecycle {

    static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    /**
     * The broker's smallest allowed session timeout (group.min.session.timeout.ms), instead of the
     * client's 45 s default: a dead worker is noticed in seconds, which keeps a run short.
     */
    static final Duration WORKER_SESSION_TIMEOUT = Duration.ofSeconds(6);
    /** A third of the session timeout, the usual ratio: two heartbeats may be lost before it expires. */
    static final Duration WORKER_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    /**
     * 10 s instead of 5 min, so that a paused worker is past it within seconds; a batch of 20
     * small images takes well under a second.
     */
    static final Duration WORKER_MAX_POLL_INTERVAL = Duration.ofSeconds(10);
    /** Above the workers': an aggregator restoring state or committing under load must not be dropped. */
    static final Duration AGGREGATOR_SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration AGGREGATOR_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);

    private static final String WORKER_HEAP = "256m";
    private static final String AGGREGATOR_HEAP = "384m";
    /**
     * The dispatcher's window in the run: two tasks in flight, so that whatever slows the pipeline
     * (a fault, the resubmitted job) leaves tasks held back in the dispatcher when the faults strike.
     */
    private static final int DISPATCH_WINDOW = 2;

    private final List<ChildJvm> workers;
    private final List<ChildJvm> aggregators;

    ServiceFleet(List<ChildJvm> workers, List<ChildJvm> aggregators) {
        this.workers = List.copyOf(workers);
        this.aggregators = List.copyOf(aggregators);
    }

    /**
     * The run's workers and aggregators, to be started: {@code settings.workers()} workers of
     * {@link ChaosRun#WORKER_THREADS} threads reading images under {@code images}, and
     * {@link ChaosRun#AGGREGATORS} aggregators with their state under {@code directory}, each with
     * its log under {@code logs}.
     */
    static ServiceFleet forRun(ChaosSettings settings, MosaicConfig config, Path images, Path directory, Path logs) {
        // Port 0: several instances share this host, so each takes a free port for /health and its queries.
        List<String> common = new ArrayList<>(ChildJvm.connection(config));
        common.addAll(List.of("--http-port", "0"));
        if (settings.unsafe()) {
            common.add(Unsafe.SERVICE_FLAG);
        }
        List<ChildJvm> workers = new ArrayList<>();
        for (int i = 1; i <= settings.workers(); i++) {
            String name = "w" + i;
            List<String> args = new ArrayList<>(common);
            args.addAll(List.of("--threads", Integer.toString(ChaosRun.WORKER_THREADS),
                    "--set", KafkaSettings.INSTANCE_ID.key() + "=" + name,
                    "--set", SourceRoots.FILE_ALLOWED_ROOTS.key() + "=" + images.toAbsolutePath(),
                    "--set", kafka(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, WORKER_SESSION_TIMEOUT),
                    "--set", kafka(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, WORKER_HEARTBEAT_INTERVAL),
                    "--set", kafka(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, WORKER_MAX_POLL_INTERVAL)));
            workers.add(new ChildJvm(name, "worker", args, WORKER_HEAP, logs.resolve(name + ".log")));
        }
        List<ChildJvm> aggregators = new ArrayList<>();
        for (int i = 1; i <= ChaosRun.AGGREGATORS; i++) {
            String name = "a" + i;
            List<String> args = new ArrayList<>(common);
            args.addAll(List.of(
                    "--set", KafkaSettings.INSTANCE_ID.key() + "=" + name,
                    // Its own state directory, kept across restarts like a container's volume.
                    "--set", AggregatorSettings.STATE_DIR.key() + "=" + directory.resolve("state").resolve(name).toAbsolutePath(),
                    "--set", AggregatorSettings.STANDBY_REPLICAS.key() + "=" + settings.standbyReplicas(),
                    // A window far smaller than the job, so that faults strike while the
                    // dispatcher holds tasks back.
                    "--set", DispatchSettings.WINDOW.key() + "=" + DISPATCH_WINDOW,
                    "--set", kafka(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, AGGREGATOR_SESSION_TIMEOUT),
                    "--set", kafka(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, AGGREGATOR_HEARTBEAT_INTERVAL)));
            aggregators.add(new ChildJvm(name, "aggregator", args, AGGREGATOR_HEAP, logs.resolve(name + ".log")));
        }
        return new ServiceFleet(workers, aggregators);
    }

    private static String kafka(String key, Duration value) {
        return "kafka." + key + "=" + value.toMillis();
    }

    @Override
    public String name() {
        return workers.size() + " worker and " + aggregators.size() + " aggregator processes";
    }

    @Override
    public void validate() {
        if (workers.isEmpty() || aggregators.isEmpty()) {
            throw new IllegalArgumentException("a chaos run needs at least one worker and one aggregator");
        }
    }

    /**
     * Starts the aggregators side by side (one rebalance for both), then the workers, and waits
     * until all of them run. Two waves rather than one keep a small machine from starting every JVM
     * at the same moment.
     */
    @Override
    public void start() throws Exception {
        for (List<ChildJvm> wave : List.of(aggregators, workers)) {
            for (ChildJvm child : wave) {
                child.start();
            }
            for (ChildJvm child : wave) {
                child.awaitRunning(START_TIMEOUT);
            }
        }
    }

    List<ChildJvm> workers() {
        return workers;
    }

    List<ChildJvm> aggregators() {
        return aggregators;
    }

    List<ChildJvm> all() {
        List<ChildJvm> all = new ArrayList<>(aggregators);
        all.addAll(workers);
        return all;
    }

    /** Kills every process side by side; idempotent. */
    @Override
    public void stop() {
        List<Thread> stopping = new ArrayList<>();
        for (ChildJvm child : all()) {
            Thread thread = new Thread(child::destroy, "mosaic-chaos-stop-" + child.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
