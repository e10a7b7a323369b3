package io.mosaic.app.lab;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.Pipeline;
import io.mosaic.app.Wiring;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.assignment.assignors.StickyTaskAssignor;

/**
 * Stateless against stateful, on the pipeline's own services (one broker, all in this process).
 * An analyzer worker keeps nothing: added to a busy group, it does useful work as soon as the
 * group gives it partitions. An aggregator instance holds the state of the partitions it owns in
 * RocksDB, backed by changelog topics: added, it must first restore that state from the changelog;
 * when its peer stops, it restores the peer's share too, unless it kept a warm copy (a standby
 * replica). Measured: time to useful work, and the records and bytes restored, read from the
 * restore consumer's own metrics.
 *
 * <p>The aggregator instances run Kafka Streams' sticky task assignor, which gives a new instance
 * its share of active tasks at once. The default (high-availability) assignor instead lets a new
 * instance warm up as a standby first and moves the work at a later probing rebalance (at least a
 * minute apart), so that nothing stops answering while state is restored.
 */
final class StatelessStatefulExperiment implements Experiment.Trial {

    static final int JOBS = 24;
    static final int RESULTS_PER_JOB = 1_000;
    static final int SCENES = 60;
    static final int WORKER_JOBS = 10;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Setting<String> TASK_ASSIGNOR = Setting.string("kafka." + StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, null,
            "the Streams task assignor");

    /** Records and bytes a Streams instance's restore consumer has read so far. */
    private record Restored(double records, double bytes) {
        Restored since(Restored before) {
            return new Restored(records - before.records, bytes - before.bytes);
        }
    }

    /** The time to useful work and what was restored for it. */
    private record Step(double millis, Restored restored) {
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        SampleImages.SampleSet set = SampleImages.writeSampleSet(run.directory().resolve("images"), SCENES, run.seed());
        try (Pipeline pipeline = Pipeline.builder().brokers(1).services(false).images(set.directory())
                .reportDir(run.directory().resolve("reports")).workDir(run.directory().resolve("work")).instanceId("lab").start()) {
            run.say("1 broker and the schema registry are up; a worker joins a busy group of one");
            Step worker = workerJoins(pipeline, set);
            run.say("publishing %d results of %d jobs for the aggregators to fold", JOBS * RESULTS_PER_JOB, JOBS);
            List<String> jobs = LabAggregators.publishResults(pipeline, "stateful", JOBS, RESULTS_PER_JOB);
            run.say("without standby replicas: a second aggregator instance joins, then the first stops");
            List<Step> plain = aggregatorsJoinThenFailOver(pipeline, jobs, 0, run);
            run.say("with one standby replica: the same");
            List<Step> standby = aggregatorsJoinThenFailOver(pipeline, jobs, 1, run);
            return result(worker, plain, standby);
        }
    }

    /** A worker added to a group whose only member is busy: time from its start to its first committed result. */
    private static Step workerJoins(Pipeline pipeline, SampleImages.SampleSet set) throws Exception {
        MosaicConfig config = pipeline.config().with(WorkerSettings.THREADS, "1");
        // Straight into the workers' topic, as the dispatcher would let them in.
        try (JobSubmitter submitter = new JobSubmitter(config.with(DispatchSettings.ENABLED, "false"), pipeline.topics())) {
            // The same images as several jobs: enough work that the group is still busy when the second worker joins.
            for (int j = 0; j < WORKER_JOBS; j++) {
                submitter.submit(set.directory(), "stateless-" + j, Progress.none());
            }
        }
        AnalyzerWorker first = new AnalyzerWorker(config.with(KafkaSettings.INSTANCE_ID, "w1"), pipeline.topics(), Wiring.taskProcessor(config));
        AnalyzerWorker second = new AnalyzerWorker(config.with(KafkaSettings.INSTANCE_ID, "w2"), pipeline.topics(), Wiring.taskProcessor(config));
        try {
            first.start();
            Waits.until(WAIT, () -> first.processed() >= 10, "the first worker to commit 10 results");
            long started = System.nanoTime();
            second.start();
            Waits.until(WAIT, () -> second.processed() > 0, "the second worker to commit a result");
            return new Step(millisSince(started), new Restored(0, 0));
        } finally {
            second.stop();
            first.stop();
        }
    }

    /**
     * Two aggregator instances of a fresh application: the first folds every result; the second
     * joins (step 1); the first stops and the second takes over its share (step 2).
     */
    private static List<Step> aggregatorsJoinThenFailOver(Pipeline pipeline, List<String> jobs, int standbys, LabRun run) throws Exception {
        MosaicConfig config = pipeline.config()
                .with(KafkaSettings.GROUP_PREFIX, "lab-standby-" + standbys)
                .with(AggregatorSettings.STANDBY_REPLICAS, Integer.toString(standbys))
                .with(TASK_ASSIGNOR, StickyTaskAssignor.class.getName());
        JobAggregator first = LabAggregators.aggregator(config, pipeline.topics(), "a1", run.directory(), null);
        JobAggregator second = LabAggregators.aggregator(config, pipeline.topics(), "a2", run.directory(), null);
        try {
            first.start();
            Waits.until(WAIT, () -> answering(first, jobs) == jobs.size(), "the first instance to fold every result");
            long joined = System.nanoTime();
            second.start();
            Waits.until(WAIT, () -> answering(second, jobs) > 0 && answering(first, jobs) + answering(second, jobs) == jobs.size(),
                    "the second instance to answer for its share of the jobs");
            Step join = new Step(millisSince(joined), restored(second));
            if (standbys > 0) {
                Waits.until(WAIT, () -> caughtUp(second), "the standby replicas to catch up");
            }
            Restored before = restored(second);
            long stopped = System.nanoTime();
            first.stop();
            Waits.until(WAIT, () -> answering(second, jobs) == jobs.size(), "the second instance to answer for every job");
            return List.of(join, new Step(millisSince(stopped), restored(second).since(before)));
        } finally {
            second.stop();
            first.stop();
        }
    }

    private static long answering(JobAggregator aggregator, List<String> jobs) {
        return LabAggregators.answering(aggregator, jobs, RESULTS_PER_JOB);
    }

    /**
     * Every store partition this instance holds, active or standby, is level with its changelog. A
     * standby stops one offset short of the end: the last record of an exactly-once changelog is a
     * transaction's commit marker, which holds no data to apply.
     */
    private static boolean caughtUp(JobAggregator aggregator) {
        KafkaStreams streams = aggregator.kafkaStreams();
        return streams != null && streams.allLocalStorePartitionLags().values().stream()
                .flatMap(partitions -> partitions.values().stream()).allMatch(lag -> lag.offsetLag() <= 1);
    }

    private static Restored restored(JobAggregator aggregator) {
        KafkaStreams streams = aggregator.kafkaStreams();
        double records = 0;
        double bytes = 0;
        for (var entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            String client = name.tags().getOrDefault("client-id", "");
            if (!client.endsWith("restore-consumer") || !name.group().equals("consumer-fetch-manager-metrics") || name.tags().containsKey("topic")) {
                continue;
            }
            Metric metric = entry.getValue();
            if (name.name().equals("records-consumed-total")) {
                records += ((Number) metric.metricValue()).doubleValue();
            } else if (name.name().equals("bytes-consumed-total")) {
                bytes += ((Number) metric.metricValue()).doubleValue();
            }
        }
        return new Restored(records, bytes);
    }

    private static double millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e6;
    }

    private static LabResult result(Step worker, List<Step> plain, List<Step> standby) {
        return LabResult.builder("stateless vs stateful: a worker and an aggregator instance added, then an aggregator instance stopped",
                        "what", "standby replicas", "to useful work", "records restored", "bytes restored")
                .row("a worker joins a busy group (stateless)", "-", seconds(worker.millis()), "0", "0")
                .row("an aggregator instance joins", "0", seconds(plain.get(0).millis()), count(plain.get(0).restored().records()),
                        count(plain.get(0).restored().bytes()))
                .row("its peer stops: it takes over", "0", seconds(plain.get(1).millis()), count(plain.get(1).restored().records()),
                        count(plain.get(1).restored().bytes()))
                .row("an aggregator instance joins", "1", seconds(standby.get(0).millis()), count(standby.get(0).restored().records()),
                        count(standby.get(0).restored().bytes()))
                .row("its peer stops: it takes over", "1", seconds(standby.get(1).millis()), count(standby.get(1).restored().records()),
                        count(standby.get(1).restored().bytes()))
                .lesson("A worker keeps nothing between tasks: once the group has given it partitions it analyses, %s after its start"
                        + " (a rebalance and a first commit).", seconds(worker.millis()))
                .lesson("An aggregator instance must first rebuild the state of the partitions it takes: %s records (%s bytes) read back"
                        + " from the changelog topics before it answered for its share of the %d jobs.",
                        count(plain.get(0).restored().records()), count(plain.get(0).restored().bytes()), JOBS)
                .lesson("When its peer stopped, it restored the peer's share: %s records without a standby replica, %s with one, whose warm"
                        + " copy it had kept up to date; taking over took %s and %s, most of it the rebalance.",
                        count(plain.get(1).restored().records()), count(standby.get(1).restored().records()), seconds(plain.get(1).millis()),
                        seconds(standby.get(1).millis()))
                .measure("workerJoinMs", worker.millis())
                .measure("joinRestoredRecords", plain.get(0).restored().records())
                .measure("joinMs", plain.get(0).millis())
                .measure("failoverRestoredRecords", plain.get(1).restored().records())
                .measure("failoverMs", plain.get(1).millis())
                .measure("standbyFailoverRestoredRecords", standby.get(1).restored().records())
                .measure("standbyFailoverMs", standby.get(1).millis())
                .build();
    }

    private static String seconds(double millis) {
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000);
    }

    private static String count(double value) {
        return String.format(java.util.Locale.ROOT, "%,.0f", value);
    }
}
