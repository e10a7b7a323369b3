package io.mosaic.app.chaos;

import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;

/**
 * One chaos run: three brokers and the schema registry as child processes, worker and aggregator
 * processes, one job of generated images, faults injected at moments drawn from a seed, and at
 * the end an independent check that every task was counted exactly once.
 *
 * <p>It prints what it does as it goes and ends with one line, {@code faults=K lost=L
 * duplicated=D ...}, followed by the checker's other numbers and the measured recovery times.
 */
public final class ChaosRun {

    /** Analyzer threads per worker process: a killed worker takes several group members with it. */
    static final int WORKER_THREADS = 2;
    static final int AGGREGATORS = 2;

    private static final String BROKER_HEAP = "384m";
    /**
     * A paused broker drops out of every ISR after 10 s rather than Kafka's 30 s, so that a pause
     * of 14 s ({@link BrokerFaults#PAUSE}) outlasts both its session with the controller (9 s) and
     * its replica lag time.
     */
    static final Map<String, String> BROKER_PROPERTIES = Map.of("replica.lag.time.max.ms", "10000");
    /** Three replicas, min.insync.replicas=2: where the two-brokers-down fault tries a write that must be refused. */
    static final String PROBE_TOPIC = "mosaic-chaos-probe";
    /** The job is done when its summary folds every result and then stays unchanged this long. */
    private static final Duration SETTLED_AFTER = Duration.ofSeconds(3);
    /** With every process up and nothing left to consume, a summary unchanged this long will not change. */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

    /**
     * What the run found; {@code directory} is where its logs are, or null when they were deleted.
     * It passes when the verdict does and no write was acknowledged with two brokers down.
     */
    public record Outcome(Verdict verdict, String line, Path directory, List<FaultRecord> faults, int probesAcknowledged) {
        public boolean passed() {
            return verdict.passed() && probesAcknowledged == 0;
        }
    }

    private final ChaosSettings settings;
    private final PrintWriter out;
    private final long started = System.nanoTime();

    public ChaosRun(ChaosSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    public Outcome run() throws Exception {
        Path directory = Files.createTempDirectory("mosaic-chaos-");
        Outcome outcome = null;
        try {
            outcome = runIn(directory);
            return outcome;
        } finally {
            if (outcome == null) {
                out.println("Run directory kept (logs of every process): " + directory);
                out.flush();
            } else if (outcome.directory() == null) {
                deleteRecursively(directory);
            }
        }
    }

    private Outcome runIn(Path directory) throws Exception {
        FaultPlan plan = FaultPlan.of(settings.seed(), settings.faults(), settings.kinds());
        String jobId = "chaos-" + settings.seed();
        out.printf("mosaic chaos: seed %d, %d images, %d faults, %d worker processes x %d threads, %d aggregators (standby replicas %d), %s%n",
                settings.seed(), settings.images(), plan.size(), settings.workers(), WORKER_THREADS, AGGREGATORS,
                settings.standbyReplicas(), settings.unsafe() ? Unsafe.DESCRIPTION : "exactly once");
        out.printf("fault plan: %s; tasks published over %d s%n", plan.size() == 0 ? "none" : plan, settings.publishOver().toSeconds());
        out.flush();

        ChaosImages.InputSet inputs = ChaosImages.write(directory.resolve("images"), settings.images(), settings.seed());
        log("generated %d files in %s: %d images, %d broken on purpose, %d bytes", inputs.count(), inputs.directory(),
                inputs.expected(ResultStatus.OK), inputs.expected(ResultStatus.FAILED), inputs.totalBytes());

        // Network faults: every Kafka node and every service in a network namespace of its own, the
        // registry and this run's own clients outside them, on the bridge. Closed after every process.
        try (IsolatedNetwork network = settings.isolated() ? IsolatedNetwork.create() : null;
             Lifecycles parts = new Lifecycles()) {
            EmbeddedKafkaCluster.Builder cluster = EmbeddedKafkaCluster.builder().brokers(3).childProcesses(true)
                    .childHeap(BROKER_HEAP).brokerProperties(BROKER_PROPERTIES).baseDirectory(directory.resolve("kafka"));
            EmbeddedKafkaCluster kafka = (network != null ? cluster.isolatedIn(network) : cluster).build();
            EmbeddedSchemaRegistry registry = network != null
                    ? new EmbeddedSchemaRegistry(network.outsideAddress(), 0, EmbeddedSchemaRegistry.DEFAULT_STARTUP_TIMEOUT)
                    : new EmbeddedSchemaRegistry();
            parts.startTogether(kafka, registry);
            MosaicConfig config = MosaicConfig.builder()
                    .set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                    .set(KafkaSettings.INSTANCE_ID, "chaos")
                    .build();
            Topics topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(registry.url()));
            TopicAdmin.createTopics(config, topics);
            if (settings.unsafe()) {
                Unsafe.weakenTopics(config, topics);
            }
            if (settings.kinds().contains(FaultKind.TWO_BROKERS_DOWN)) {
                try (Admin admin = Admin.create(KafkaClients.base(config, "chaos-setup"))) {
                    TopicAdmin.createAndAwaitLeaders(admin, new NewTopic(PROBE_TOPIC, 1, (short) 3)
                            .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")));
                }
            }
            log("3 brokers up (pids %s), schema registry at %s, topics created", kafka.brokerIds().stream()
                    .map(id -> kafka.brokerProcess(id).map(p -> Long.toString(p.pid())).orElse("?"))
                    .collect(Collectors.joining(", ")), registry.url());
            if (network != null) {
                log("isolated: %s, each in a network namespace of its own, as is each worker and aggregator; the registry and"
                        + " this run's clients at %s", kafka.brokerIds().stream().map(id -> "broker " + id + " at " + kafka.brokerHost(id).address())
                        .collect(Collectors.joining(", ")), network.outsideAddress());
            }

            Path logs = Files.createDirectories(directory.resolve("logs"));
            ServiceFleet fleet = ServiceFleet.forRun(settings, config, inputs.directory(), directory, logs);
            if (network != null) {
                for (ChildJvm child : fleet.all()) {
                    child.launchedBy(network.host(child.name()).launcher());
                }
            }
            parts.start(fleet);
            log("running: %s (logs in %s)", fleet.all().stream().map(ChildJvm::toString).collect(Collectors.joining(", ")), logs);

            JobRecords live = new JobRecords(jobId);
            parts.start(new TopicReader(config, topics, live));
            StallWatch stalls = parts.start(new StallWatch(config, topics.jobSummaries(), jobId, message -> log("%s", message)));
            Recovery recovery = new Recovery(settings.standbyReplicas());
            Result result = runJob(plan, inputs, new Pipeline(config, topics, kafka, registry, fleet, stalls), live, recovery);
            log("stopping every process");
            parts.stopAll();
            // An unsafe run is meant to fail the check; its logs tell nothing new.
            boolean passed = result.verdict().passed() && recovery.probesAcknowledged() == 0;
            boolean keep = settings.keep() || (!passed && !settings.unsafe());
            if (keep) {
                out.println("Run directory kept (logs of every process): " + directory);
            }
            out.println(result.line());
            out.flush();
            return new Outcome(result.verdict(), result.line(), keep ? directory : null, recovery.faults(), recovery.probesAcknowledged());
        }
    }

    /** What runs while the job goes through. */
    private record Pipeline(MosaicConfig config, Topics topics, EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry, ServiceFleet fleet,
                            StallWatch stalls) {
    }

    /** The run's own clients: the Admin view of the cluster, the paced first submitter and the resubmitter. */
    private record Clients(GroupWatch groups, JobSubmitter submitter, JobSubmitter resubmitter) {
    }

    private record Result(Verdict verdict, String line) {
    }

    /** Submits the job, injects the plan's faults as their moments come, waits for the job to settle, checks it. */
    private Result runJob(FaultPlan plan, ChaosImages.InputSet inputs, Pipeline pipeline, JobRecords live, Recovery recovery)
            throws Exception {
        MosaicConfig config = pipeline.config();
        Topics topics = pipeline.topics();
        try (GroupWatch groups = new GroupWatch(config);
             JobSubmitter submitter = new JobSubmitter(Submissions.paced(config, topics, inputs.count(), settings.publishOver()), topics);
             JobSubmitter resubmitter = new JobSubmitter(config.with(KafkaSettings.INSTANCE_ID, "chaos-resubmit"), topics)) {
            return runJob(plan, inputs, pipeline, live, recovery, new Clients(groups, submitter, resubmitter));
        }
    }

    private Result runJob(FaultPlan plan, ChaosImages.InputSet inputs, Pipeline pipeline, JobRecords live, Recovery recovery,
                          Clients clients) throws Exception {
        String jobId = live.jobId();
        GroupWatch groups = clients.groups();
        ServiceFleet fleet = pipeline.fleet();
        Topics topics = pipeline.topics();
        long jobStarted = System.nanoTime();
        long deadline = jobStarted + settings.timeout().toNanos();
        // Published in the background, so that the faults strike while tasks are still arriving.
        CompletableFuture<Void> published = CompletableFuture.runAsync(() -> {
            try {
                log("%s", Submissions.submit(clients.submitter(), inputs.directory(), jobId, "submitted job"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        });
        // A resubmission goes out at full speed, as when a user runs submit again, while the first may still be publishing.
        FaultInjector injector = new FaultInjector(
                new FaultInjector.Targets(pipeline.config(), fleet, pipeline.kafka(), pipeline.registry(), groups, live, topics, WORKER_THREADS, ServiceFleet.WORKER_MAX_POLL_INTERVAL),
                () -> Submissions.submit(clients.resubmitter(), inputs.directory(), jobId, "submitted the whole job again"),
                recovery, message -> log("%s", message));

        int injected = 0;
        int duringJob = 0;
        for (FaultPlan.Fault fault : plan.faults()) {
            long due = jobStarted + (long) (fault.at() * settings.publishOver().toNanos());
            if (!awaitMoment(due, fleet, deadline)) {
                log("timed out before fault %d; no more faults", fault.number());
                break;
            }
            boolean busy = !published.isDone() || hasWorkLeft(live, inputs.count());
            duringJob += busy ? 1 : 0;
            log("fault %d/%d: %s (%d tasks submitted, %d let in, %d held back by the dispatcher, %d results, %d of %d tasks done%s)",
                    fault.number(), plan.size(), fault.kind().description(), live.submittedRecords(), live.taskRecords(),
                    Math.max(0, live.submittedRecords() - live.taskRecords()), live.resultRecords(), live.tasksWithResult(), inputs.count(),
                    busy ? "" : "; nothing left to do");
            log("  %s", injector.inject(fault));
            injected++;
        }

        published.join();
        injector.awaitMeasurements();
        boolean settled = awaitSettled(live, groups, topics, fleet, deadline);
        long jobNanos = System.nanoTime() - jobStarted;
        log(settled ? "the job has settled; checking" : "timed out after %d s; checking what there is", settings.timeout().toSeconds());

        // The checker's own reading, from the beginning of every topic, independent of what the run saw.
        JobRecords snapshot = new JobRecords(jobId);
        new TopicReader(pipeline.config(), topics, snapshot).readToEnd(Duration.ofMinutes(2));
        Verdict verdict = ExactlyOnceCheck.check(inputs, snapshot, !settled);
        String line = "faults=" + injected + " " + verdict.describe() + " mode=" + (settings.unsafe() ? "unsafe" : "exactly-once")
                + " seed=" + settings.seed() + " faultsDuringJob=" + duringJob + " " + recovery.describe() + " " + pipeline.stalls().describe()
                + String.format(Locale.ROOT, " jobTime=%.0fs elapsed=%.0fs", jobNanos / 1e9, (System.nanoTime() - started) / 1e9);
        return new Result(verdict, line);
    }

    /** Waits until {@code due}, restarting crashed processes meanwhile; false if the deadline passed first. */
    private boolean awaitMoment(long due, ServiceFleet fleet, long deadline) throws Exception {
        if (System.nanoTime() > deadline) {
            return false;
        }
        while (System.nanoTime() < due) {
            restartCrashed(fleet);
            Thread.sleep(100);
        }
        return true;
    }

    private static boolean hasWorkLeft(JobRecords live, int tasks) {
        return live.tasksWithResult() < tasks || live.submittedRecords() > live.taskRecords() || live.taskRecords() > live.resultRecords()
                || live.folded() < live.resultRecords();
    }

    /**
     * Waits until the workers have consumed every task and the job's summary folds every result
     * and has stopped changing; gives up when the summary stays unchanged for a minute after the
     * last fault (quiet during a fault is no verdict) although it does not fold every result.
     */
    private boolean awaitSettled(JobRecords live, GroupWatch groups, Topics topics, ServiceFleet fleet, long deadline) throws Exception {
        long faultsOver = System.nanoTime();
        while (System.nanoTime() < deadline) {
            restartCrashed(fleet);
            boolean consumed = groups.caughtUp(AnalyzerWorker.GROUP_ID, topics.imageTasks().name(), topics.imageTasks().partitions())
                    && groups.caughtUp(AnalyzerWorker.GROUP_ID, topics.expressTasks().name(), topics.expressTasks().partitions());
            Optional<JobRecords.SummaryArrival> latest = live.latestArrival();
            if (consumed && latest.isPresent()) {
                Duration quiet = Duration.ofNanos(System.nanoTime() - latest.get().receivedNanos());
                JobSummary summary = latest.get().summary();
                boolean foldedAll = JobRecords.folded(summary) >= live.resultRecords();
                // A job completes with its first copy of each task; copies of a resubmission may
                // still be held by a dispatcher that is restoring after a fault. Settled means they
                // were let in too, so that the check counts what the dispatcher did, not when.
                boolean letIn = live.taskRecords() >= live.submittedRecords();
                if (foldedAll && letIn && summary.getState() == JobState.COMPLETED && quiet.compareTo(SETTLED_AFTER) >= 0) {
                    return true;
                }
                if (System.nanoTime() - Math.max(latest.get().receivedNanos(), faultsOver) >= GIVE_UP_AFTER.toNanos()) {
                    log("the summary has not changed for %d s although it folds %d of %d results", quiet.toSeconds(),
                            JobRecords.folded(summary), live.resultRecords());
                    return true;
                }
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** A process that died without being told to is started again, as its supervisor would. */
    private void restartCrashed(ServiceFleet fleet) throws IOException {
        for (ChildJvm child : fleet.all()) {
            if (!child.isAlive()) {
                log("%s exited on its own (see %s); starting it again", child.name(), child.logFile());
                child.start();
            }
        }
    }

    private void log(String format, Object... args) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private static void deleteRecursively(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            // A temporary directory: the system cleans it up eventually.
        }
    }
}
