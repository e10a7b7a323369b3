package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.dashboard.alert.AlertPolicy;
import io.mosaic.dashboard.lag.LagMonitor;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.Status;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lag dashboard judged as a failure detector, on a real broker. Accuracy: through a job of
 * thousands of small images, where each worker drains one partition's fetched records at a time
 * and the others stand still, the busy, healthy analyzer group is never reported unhealthy.
 * Completeness: real failures are each reported with the right status within a few rounds of the
 * health window filling. Prints the confusion table kept in {@code dashboard/README.md}.
 */
class FailureDetectorIT {

    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final int WINDOW = 8;
    /** Rounds allowed after the window has filled with the failure. */
    private static final int GRACE_ROUNDS = 3;
    private static final String FAULTS_TOPIC = "detector-faults";
    /** Images of a healthy job: thousands of task records in every partition's backlog. */
    private static final int IMAGES = 12_000;
    /**
     * The dashboard's default alert delay (60 s) is 12 of its default rounds (5 s); scaled to this
     * test's rounds, a group must stay unhealthy for 12 rounds before a webhook would be called.
     */
    private static final Duration ALERT_AFTER = INTERVAL.multipliedBy(12);

    @TempDir
    Path dir;

    /** Each round's status of each group, as the monitor reported it. */
    private final List<LagReport> rounds = new CopyOnWriteArrayList<>();
    /** What the dashboard's alert policy would have posted to a webhook, round by round. */
    private final List<AlertPolicy.Alert> alerts = new CopyOnWriteArrayList<>();
    private final AlertPolicy policy = new AlertPolicy(ALERT_AFTER, Duration.ZERO);

    private void record(LagReport report) {
        rounds.add(report);
        alerts.addAll(policy.evaluate(report));
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aBusyHealthyGroupIsNeverFlaggedAndRealFailuresAreReportedWithTheRightStatus() throws Exception {
        // -Dmosaic.detector.images=100000 repeats the measurement at the size of the acceptance run.
        Path images = writeImages(dir.resolve("images"), Integer.getInteger("mosaic.detector.images", IMAGES));
        List<String> table = new ArrayList<>();
        try (Pipeline pipeline = startPipeline(1, 2, images)) {
            LagMonitor monitor = startMonitor(pipeline, "mosaic-analyzers|detector-.*");
            try {
                table.addAll(healthyJob(pipeline, images, "2 threads"));

                // A worker process frozen by SIGSTOP with partitions assigned, its heartbeats frozen too:
                // STALL while it still holds them (until its session times out).
                table.addAll(pausedWorker(pipeline, images));

                // Completeness: one real failure per group.
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.config().bootstrapServers()))) {
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(FAULTS_TOPIC, 1, (short) 1))).all().get();
                    produce(pipeline, 200);
                    TopicPartition partition = new TopicPartition(FAULTS_TOPIC, 0);

                    // Every consumer gone, with a backlog: STOP.
                    int alertsBefore = alerts.size();
                    admin.alterConsumerGroupOffsets("detector-stopped", Map.of(partition, new OffsetAndMetadata(50))).all().get();
                    table.add(detect("all consumers gone", "detector-stopped", Status.STOP));
                    awaitAlert("detector-stopped", AlertPolicy.Kind.FIRING);

                    // Offsets moved back with the Admin client while behind: REWIND.
                    admin.alterConsumerGroupOffsets("detector-stopped", Map.of(partition, new OffsetAndMetadata(20))).all().get();
                    table.add(detect("offsets moved backwards", "detector-stopped", Status.REWIND));
                    // Caught up by hand: the group is OK again and the alert resolves.
                    admin.alterConsumerGroupOffsets("detector-stopped", Map.of(partition, new OffsetAndMetadata(200))).all().get();
                    table.add(alertsRow("  webhooks for the stopped group", "detector-stopped", alertsBefore));

                    // Alive and assigned, but stuck (not polling), as a paused worker is until it is evicted: STALL.
                    try (KafkaConsumer<byte[], byte[]> stuck = consumer(pipeline, "detector-stuck")) {
                        stuck.subscribe(List.of(FAULTS_TOPIC));
                        await().atMost(Duration.ofSeconds(30)).until(() -> !stuck.poll(Duration.ofMillis(200)).isEmpty() || !stuck.assignment().isEmpty());
                        stuck.commitSync(Map.of(partition, new OffsetAndMetadata(10)));
                        alertsBefore = alerts.size();
                        table.add(detect("consumer stuck with its partition", "detector-stuck", Status.STALL));
                        awaitAlert("detector-stuck", AlertPolicy.Kind.FIRING);
                    }
                    admin.alterConsumerGroupOffsets("detector-stuck", Map.of(partition, new OffsetAndMetadata(200))).all().get();
                    table.add(alertsRow("  webhooks for the stuck consumer", "detector-stuck", alertsBefore));

                    // Polls all the time but never commits: STALL.
                    try (KafkaConsumer<byte[], byte[]> idle = consumer(pipeline, "detector-no-commits")) {
                        idle.subscribe(List.of(FAULTS_TOPIC));
                        await().atMost(Duration.ofSeconds(30)).until(() -> {
                            idle.poll(Duration.ofMillis(100));
                            return !idle.assignment().isEmpty();
                        });
                        idle.commitSync(Map.of(partition, new OffsetAndMetadata(10)));
                        Thread poller = new Thread(() -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                try {
                                    idle.poll(Duration.ofMillis(100));
                                    idle.seek(partition, 10);
                                } catch (RuntimeException e) {
                                    return;
                                }
                            }
                        });
                        poller.start();
                        alertsBefore = alerts.size();
                        try {
                            table.add(detect("consumer polling without committing", "detector-no-commits", Status.STALL));
                            awaitAlert("detector-no-commits", AlertPolicy.Kind.FIRING);
                        } finally {
                            poller.interrupt();
                            poller.join(5_000);
                        }
                    }
                    admin.alterConsumerGroupOffsets("detector-no-commits", Map.of(partition, new OffsetAndMetadata(200))).all().get();
                    table.add(alertsRow("  webhooks for the consumer not committing", "detector-no-commits", alertsBefore));
                }
            } finally {
                monitor.stop();
            }
        } finally {
            System.out.println("Failure detector, " + INTERVAL.toMillis() + " ms rounds, window " + WINDOW + ":");
            System.out.println(String.format(Locale.ROOT, "| %-56s | %-10s | %-48s | %-15s |", "case", "expected", "reported", "verdict"));
            table.forEach(System.out::println);
        }
    }

    /** The first round at or after {@code from} whose log-end offsets hold all {@code tasks} of the job. */
    private int firstRoundWithAllTasks(int from, String topic, int tasks) {
        for (int i = from; i < rounds.size(); i++) {
            long published = rounds.get(i).partitions().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().latest()).sum();
            if (published >= tasks) {
                return i;
            }
        }
        return rounds.size();
    }

    /**
     * The longest time any analyzer partition kept the same committed offset while it had lag: how
     * long a partition waits while its owner works on others.
     */
    private double longestStandstillSeconds(int from, int to) {
        Map<TopicPartition, long[]> since = new java.util.HashMap<>();
        long longest = 0;
        for (LagReport report : rounds.subList(from, to)) {
            for (GroupLag g : report.group(AnalyzerWorker.GROUP_ID).stream().toList()) {
                for (LagReport.PartitionLag p : g.partitions()) {
                    long[] last = since.get(p.partition());
                    if (last == null || last[0] != p.committed() || p.lag() <= 0) {
                        since.put(p.partition(), new long[] {p.committed(), report.timeMs()});
                    } else {
                        longest = Math.max(longest, report.timeMs() - last[1]);
                    }
                }
            }
        }
        return longest / 1000.0;
    }

    /** The analyzer group in rounds {@code from} to {@code to}, where it had lag. */
    private List<GroupLag> analyzers(int from, int to) {
        return rounds.subList(from, to).stream().flatMap(r -> r.group(AnalyzerWorker.GROUP_ID).stream())
                .filter(g -> g.lag() > 0).toList();
    }

    /**
     * Starts {@code mosaic worker} in a JVM of its own beside the pipeline's threads, lets it take
     * part in a second job, then freezes it. Its partitions must turn STALL, not its group's others.
     */
    private List<String> pausedWorker(Pipeline pipeline, Path images) throws Exception {
        ChildJvm worker = new ChildJvm("paused", "worker", List.of(
                "--bootstrap-servers", pipeline.config().bootstrapServers(),
                "--schema-registry-url", pipeline.config().schemaRegistryUrl(),
                "--threads", "1", "--http-port", "0",
                "--set", "instance.id=paused", "--set", "source.file.allowed.roots=" + images),
                "256m", dir.resolve("paused-worker.log"));
        worker.start();
        try {
            worker.awaitRunning(Duration.ofSeconds(90));
            String pausedClient = "mosaic-analyzer-paused";
            // Wait until it owns partitions of the group, then give it a job to be busy with.
            await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get(rounds.size() - 1).group(AnalyzerWorker.GROUP_ID)
                    .map(g -> g.partitions().stream().anyMatch(p -> p.owner().clientId().startsWith(pausedClient))).orElse(false));
            pipeline.submit(images, "detector-second-job", Progress.none());
            await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get(rounds.size() - 1).group(AnalyzerWorker.GROUP_ID)
                    .map(g -> g.partitions().stream().anyMatch(p -> p.owner().clientId().startsWith(pausedClient) && p.lag() > 0))
                    .orElse(false));
            int alertsBefore = alerts.size();
            worker.pause();
            String row = detect("worker process frozen (SIGSTOP)", AnalyzerWorker.GROUP_ID, Status.STALL);
            GroupLag stalled = rounds.get(rounds.size() - 1).group(AnalyzerWorker.GROUP_ID).orElseThrow();
            assertThat(stalled.partitions()).filteredOn(p -> p.status() == Status.STALL)
                    .allMatch(p -> p.owner().clientId().startsWith(pausedClient), "only the frozen worker's partitions are STALL");
            awaitAlert(AnalyzerWorker.GROUP_ID, AlertPolicy.Kind.FIRING);
            worker.destroy();
            // Its session times out, the others take its partitions and finish the job: resolved.
            return List.of(row, alertsRow("  webhooks for the frozen worker", AnalyzerWorker.GROUP_ID, alertsBefore));
        } finally {
            worker.destroy();
        }
    }

    /** Waits until the alert policy has sent {@code kind} for {@code group}. */
    private void awaitAlert(String group, AlertPolicy.Kind kind) {
        await().atMost(Duration.ofSeconds(120)).until(() -> alerts.stream().anyMatch(a -> a.group().equals(group) && a.kind() == kind));
    }

    /**
     * Waits for the failure's alert to resolve, then counts the alerts sent for {@code group} since
     * {@code from}: exactly one FIRING and one RESOLVED.
     */
    private String alertsRow(String what, String group, int from) {
        awaitAlert(group, AlertPolicy.Kind.RESOLVED);
        List<AlertPolicy.Kind> sent = alerts.subList(from, alerts.size()).stream()
                .filter(a -> a.group().equals(group)).map(AlertPolicy.Alert::kind).toList();
        assertThat(sent).as("alerts sent for %s", what).containsExactly(AlertPolicy.Kind.FIRING, AlertPolicy.Kind.RESOLVED);
        return row(what, "1 + 1", sent.stream().filter(k -> k == AlertPolicy.Kind.FIRING).count() + " firing, "
                + sent.stream().filter(k -> k == AlertPolicy.Kind.RESOLVED).count() + " resolved", "true positive");
    }

    /**
     * Accuracy: a healthy job. While its tasks are being published the backlog grows faster than it
     * is drained, which WARN may say truly, and does for as long as the window still holds those
     * samples; from then on the group drains its backlog and must be OK in every round; nothing
     * worse than WARN at any time. Returns the table's rows.
     */
    private List<String> healthyJob(Pipeline pipeline, Path images, String shape) throws Exception {
        List<String> table = new ArrayList<>();
        int before = rounds.size();
        int alertsBefore = alerts.size();
        JobSubmitter.SubmittedJob job = pipeline.submit(images, null, Progress.none());
        assertThat(pipeline.awaitReport(job.jobId(), Duration.ofMinutes(8))).isPresent();
        // The log-end offsets the monitor read after the last task was published, plus a window.
        int published = Math.min(rounds.size(), firstRoundWithAllTasks(before, pipeline.topics().imageTasks().name(), job.taskCount()) + WINDOW);
        List<GroupLag> publishing = analyzers(before, published);
        List<GroupLag> draining = analyzers(published, rounds.size());
        long flaggedWhilePublishing = publishing.stream().filter(g -> g.status() != Status.OK).count();
        long stalledWhilePublishing = publishing.stream().filter(g -> g.status() != Status.OK && g.status() != Status.WARN).count();
        long flagged = draining.stream().filter(g -> g.status() != Status.OK).count();
        draining.stream().filter(g -> g.status() != Status.OK).forEach(g -> System.out.println("not OK: " + g.status()
                + " lag " + g.lag() + " " + g.partitions().stream().map(p -> p.partition().partition() + ":" + p.status()
                + "@" + p.committed() + "/" + p.lag() + "/" + p.owner().clientId()).toList()));
        table.add(row("healthy job, " + job.taskCount() + " tasks, " + shape + ", publishing", "OK or WARN",
                publishing.size() + " rounds with lag, " + flaggedWhilePublishing + " WARN, " + stalledWhilePublishing + " worse",
                stalledWhilePublishing == 0 ? "true negative" : "FALSE POSITIVE"));
        table.add(row("healthy job, " + job.taskCount() + " tasks, " + shape + ", draining", "OK",
                draining.size() + " rounds with lag, " + flagged + " not OK", flagged == 0 ? "true negative" : "FALSE POSITIVE"));
        table.add(row("  longest a partition with lag stood still", "-", String.format(Locale.ROOT, "%.2f s",
                longestStandstillSeconds(before, rounds.size())), "measured"));
        List<AlertPolicy.Alert> sent = alerts.subList(alertsBefore, alerts.size());
        table.add(row("  webhooks during the healthy job", "none", sent.size() + " sent", sent.isEmpty() ? "true negative" : "FALSE POSITIVE"));
        assertThat(draining.size()).as("rounds in which the group drained its backlog").isGreaterThan(WINDOW);
        assertThat(sent).as("webhooks sent for a healthy job").isEmpty();
        assertThat(flagged).as("rounds in which a busy, healthy group was not OK").isZero();
        assertThat(stalledWhilePublishing).as("rounds worse than WARN while the job was published").isZero();
        return table;
    }

    private Pipeline startPipeline(int brokers, int workers, Path images) throws Exception {
        return Pipeline.builder().brokers(brokers).workers(workers).images(images)
                .reportDir(dir.resolve("reports")).workDir(dir).instanceId("detector")
                // The detector is judged on a big backlog in the workers' queue: tasks go straight
                // there, as they do without the dispatcher, instead of a window at a time.
                .configure(config -> config.set(DispatchSettings.ENABLED, "false")).start();
    }

    /** A lag monitor of the groups {@code groups} matches, every round recorded. */
    private LagMonitor startMonitor(Pipeline pipeline, String groups) throws Exception {
        LagMonitor monitor = new LagMonitor(pipeline.config(), Pattern.compile(groups), INTERVAL, WINDOW);
        monitor.onReport(this::record);
        monitor.start();
        return monitor;
    }

    /** Healthy jobs on other shapes of cluster and worker pool: never flagged either. */
    @ParameterizedTest(name = "{0} broker(s), {1} analyzer thread(s)")
    @CsvSource({"1, 1", "3, 4"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void healthyJobsOnOtherShapesAreNeverFlagged(int brokers, int workers) throws Exception {
        Path images = writeImages(dir.resolve("images"), IMAGES);
        List<String> table = new ArrayList<>();
        try (Pipeline pipeline = startPipeline(brokers, workers, images)) {
            LagMonitor monitor = startMonitor(pipeline, "mosaic-analyzers");
            try {
                table.addAll(healthyJob(pipeline, images, brokers + " broker(s), " + workers + " thread(s)"));
            } finally {
                monitor.stop();
                table.forEach(System.out::println);
            }
        }
    }

    /** Waits for {@code expected} on {@code group}; the row says after how many rounds it came. */
    private String detect(String what, String group, Status expected) {
        int start = rounds.size();
        Optional<GroupLag> found = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            found = rounds.subList(start, rounds.size()).stream().flatMap(r -> r.group(group).stream())
                    .filter(g -> g.status() == expected).findFirst();
            sleep(INTERVAL.toMillis());
        }
        int after = rounds.size() - start;
        assertThat(found).as("%s reported %s", what, expected).isPresent();
        assertThat(after).as("rounds until %s was reported", what).isLessThanOrEqualTo(WINDOW + GRACE_ROUNDS + 1);
        return row(what, expected.name(), expected + " after " + after + " rounds", "true positive");
    }

    private static String row(String what, String expected, String reported, String verdict) {
        return String.format(Locale.ROOT, "| %-56s | %-10s | %-48s | %-15s |", what, expected, reported, verdict);
    }

    /**
     * {@code count} small PNGs: 100 distinct 96 x 96 scenes, each linked many times (hard links,
     * regular files to the scan and the workers), so that the disk holds only 100 and grouping
     * stays cheap. 96 x 96 and not smaller: since workers commit a transaction per 100 ms of work
     * rather than per poll, a job of 16 x 16 images drained within one health window and left no
     * backlog to judge; these take about a millisecond each to analyse.
     */
    private static Path writeImages(Path root, int count) throws Exception {
        Path distinct = Files.createDirectories(root.resolveSibling(root.getFileName() + "-distinct"));
        List<Path> originals = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Path original = distinct.resolve(String.format("scene-%03d.png", i));
            SampleImages.write(SampleImages.scene(i, 96, 96), "png", original);
            originals.add(original);
        }
        for (int i = 0; i < count; i++) {
            Path folder = Files.createDirectories(root.resolve(String.format("%02d", i / 1000)));
            Files.createLink(folder.resolve(String.format("img-%05d.png", i)), originals.get(i % originals.size()));
        }
        return root;
    }

    private static void produce(Pipeline pipeline, int records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.config().bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(FAULTS_TOPIC, 0, "k" + i, "v" + i));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Pipeline pipeline, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.config().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
