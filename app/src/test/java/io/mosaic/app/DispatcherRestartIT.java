package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher killed with {@code kill -9} while it holds most of a job back: its replacement
 * lets every held task in, and none twice. The workers are played by this test, which answers
 * every task it reads from the tasks topic and the express lane (read_committed) with a result at once and counts the
 * task records it reads. Run again at least once (the aggregator's hidden
 * {@code --unsafe-at-least-once}), the same kill lets tasks in twice, and the count shows it.
 */
class DispatcherRestartIT {

    private static final int TASKS = 1_200;
    private static final int WINDOW = 40;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aKilledDispatcherNeitherLosesNorDoublesHeldTasks() throws Exception {
        Map<String, Integer> released = run(false);
        assertThat(released).hasSize(TASKS);
        assertThat(released.values()).as("records of each task in the tasks topic").containsOnly(1);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void atLeastOnceTheSameKillLetsTasksInTwice() throws Exception {
        Map<String, Integer> released = run(true);
        assertThat(released).as("nothing is lost at least once either").hasSize(TASKS);
        assertThat(released.values().stream().filter(n -> n > 1).count()).as("tasks let in more than once").isPositive();
    }

    /** Submits the job, kills the first aggregator once a third of it is in, lets a second finish; the records per task id. */
    private Map<String, Integer> run(boolean unsafe) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < TASKS; i++) {
            // The dispatcher never opens them: empty files with an image's name make tasks.
            Files.createFile(images.resolve(String.format("%05d.png", i)));
        }
        Map<String, Integer> released = new ConcurrentHashMap<>();
        try (Pipeline pipeline = Pipeline.builder().brokers(1).services(false).images(images).reportDir(dir.resolve("reports"))
                .workDir(dir.resolve("work")).instanceId("restart").start()) {
            MosaicConfig config = pipeline.config();
            Topics topics = pipeline.topics();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger records = new AtomicInteger();
            Thread worker = new Thread(() -> answerTasks(config, topics, released, records, stop), "restart-it-worker");
            worker.start();
            ChildJvm first = aggregator(config, "a1", unsafe);
            ChildJvm second = aggregator(config, "a2", unsafe);
            try {
                first.start();
                first.awaitRunning(Duration.ofSeconds(90));
                try (JobSubmitter submitter = new JobSubmitter(config, topics)) {
                    submitter.submit(images, "restart", Progress.none());
                }
                await().atMost(Duration.ofMinutes(2)).until(() -> released.size() >= TASKS / 3);
                first.kill();
                int atKill = released.size();
                assertThat(atKill).as("tasks were still held back when the dispatcher died").isLessThan(TASKS - WINDOW);

                second.start();
                second.awaitRunning(Duration.ofSeconds(90));
                await().atMost(Duration.ofMinutes(3)).until(() -> released.size() == TASKS);
                // Anything let in twice arrives within a commit or two of the last task: wait for quiet.
                int[] last = {-1};
                await().atMost(Duration.ofSeconds(40)).pollDelay(Duration.ofSeconds(3)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                    int now = records.get();
                    boolean quiet = now == last[0];
                    last[0] = now;
                    return quiet;
                });
            } finally {
                stop.set(true);
                worker.join(10_000);
                first.destroy();
                second.destroy();
            }
        }
        return released;
    }

    private ChildJvm aggregator(MosaicConfig config, String name, boolean unsafe) {
        List<String> args = new ArrayList<>(ChildJvm.connection(config));
        args.addAll(List.of("--http-port", "0",
                "--set", "instance.id=" + name,
                "--set", "state.dir=" + dir.resolve("state").resolve(name),
                "--set", "dispatch.window=" + WINDOW,
                // The replacement takes over in seconds, not after the default 45 s session.
                "--set", "kafka." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG + "=6000",
                "--set", "kafka." + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG + "=1500"));
        if (unsafe) {
            args.add("--unsafe-at-least-once");
        }
        return new ChildJvm(name, "aggregator", args, "384m", dir.resolve(name + ".log"));
    }

    /** Plays the workers: every task record read (read_committed) is counted and answered with a result at once. */
    private static void answerTasks(MosaicConfig config, Topics topics, Map<String, Integer> released, AtomicInteger records,
                                    AtomicBoolean stop) {
        Map<String, Object> consumerProps = KafkaClients.base(config, "restart-it-worker");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = KafkaClients.base(config, "restart-it-results");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var lane : List.of(topics.imageTasks(), topics.expressTasks())) {
                for (int p = 0; p < lane.partitions(); p++) {
                    partitions.add(new TopicPartition(lane.name(), p));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    ImageTask task = topics.imageTasks().value(record);
                    released.merge(task.getTaskId(), 1, Integer::sum);
                    records.incrementAndGet();
                    ImageResult result = ImageResult.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId())
                            .setUri(task.getUri()).setStatus(ResultStatus.FAILED).setError("not analysed: a test plays the workers")
                            .setAnalyzedAt(Instant.now()).build();
                    producer.send(topics.imageResults().record(task.getJobId(), result));
                }
                producer.flush();
            }
        }
    }
}
