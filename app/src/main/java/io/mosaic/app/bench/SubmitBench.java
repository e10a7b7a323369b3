package io.mosaic.app.bench;

import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.Acknowledgements;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.producers.SourceScanner;
import io.mosaic.schemas.Identity;
import io.mosaic.schemas.ImageTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The submit lines: tasks per second that {@code mosaic submit} publishes (build each task, Avro
 * with the registry's schema id, idempotent, acks=all), with and without listing the folder first
 * (a stat of every file, which the file system charges, not Kafka), against the loop Kafka's
 * {@code ProducerPerformance} runs: the same number of records of the same key and value sizes,
 * random bytes, sent with the same producer settings and flushed once. Both write to topics of
 * their own with as many partitions as the tasks topic, which no service reads.
 */
final class SubmitBench {

    private final MosaicConfig config;
    private final BenchTopics bench;
    private final Path folder;
    private final int tasks;
    private final String baselineTopic;

    private SubmitBench(MosaicConfig config, BenchTopics bench, Path folder, int tasks, String baselineTopic) {
        this.config = config;
        this.bench = bench;
        this.folder = folder;
        this.tasks = tasks;
        this.baselineTopic = baselineTopic;
    }

    /** Writes {@code tasks} empty image files under {@code work} (submitting reads names, not bytes) and the topics. */
    static SubmitBench prepare(MosaicConfig config, Path work, int tasks) throws Exception {
        Path folder = Files.createDirectories(work.resolve("submit"));
        for (int i = 0; i < tasks; i++) {
            Path sub = Files.createDirectories(folder.resolve(String.format(Locale.ROOT, "%03d", i / 1000)));
            Files.createFile(sub.resolve(String.format(Locale.ROOT, "photo-%07d.jpg", i)));
        }
        BenchTopics bench = BenchTopics.create(config, "bench-submit");
        String baselineTopic = bench.topics().imageTasks().name() + ".baseline";
        BenchTopics.createTopic(config, baselineTopic, bench.topics().imageTasks().partitions(), bench.topics().replicationFactor());
        return new SubmitBench(config, bench, folder, tasks, baselineTopic);
    }

    /** One round of {@code mosaic submit}, folder scan included, in tasks per second; the producer is made before the clock starts. */
    double mosaic(int round) {
        try (JobSubmitter submitter = new JobSubmitter(bench.config(), bench.topics())) {
            long start = System.nanoTime();
            JobSubmitter.SubmittedJob job = submitter.submit(folder, "bench-submit-" + round, Progress.none());
            return job.taskCount() / seconds(start);
        }
    }

    /** One round of publishing alone: the folder is listed before the clock starts. */
    double publishing(int round) {
        SourceScanner.Scan scan = SourceScanner.listed(folder);
        try (JobSubmitter submitter = new JobSubmitter(bench.config(), bench.topics())) {
            long start = System.nanoTime();
            JobSubmitter.SubmittedJob job = submitter.submit(scan, "bench-publish-" + round, Progress.none());
            return job.taskCount() / seconds(start);
        }
    }

    /** One round of the producer loop, in records per second. */
    double baseline(int round) {
        ProducerRecord<byte[], byte[]> sample = sampleTask(round);
        int keySize = sample.key().length;
        int valueSize = sample.value().length;
        Random random = new Random(round);
        // Like ProducerPerformance: a pool of random payloads, chosen per record; keys random too,
        // so that records spread over the partitions as task ids do.
        byte[][] values = new byte[64][valueSize];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
        Acknowledgements acknowledged = new Acknowledgements();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                byte[] key = new byte[keySize];
                random.nextBytes(key);
                producer.send(new ProducerRecord<>(baselineTopic, key, values[i & 63]), acknowledged);
            }
            producer.flush();
            acknowledged.throwIfFailed("the producer baseline");
            return tasks / seconds(start);
        }
    }

    /** The producer settings {@link JobSubmitter} uses. */
    private Map<String, Object> producerSettings() {
        Map<String, Object> props = KafkaClients.base(config, "bench-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, JobSubmitter.LINGER_MS);
        return KafkaClients.withOverrides(props, config);
    }

    /** A task as the submitter makes it, serialized: the baseline's record sizes. */
    private ProducerRecord<byte[], byte[]> sampleTask(int round) {
        String jobId = "bench-submit-" + round;
        String uri = folder.resolve("000").resolve("photo-0000000.jpg").toUri().toString();
        ImageTask task = ImageTask.newBuilder().setTaskId(Identity.taskId(jobId, uri)).setJobId(jobId).setUri(uri)
                .setSubmittedAt(Instant.now()).build();
        return bench.topics().imageTasks().record(task.getTaskId(), task);
    }

    BenchLine line(double[] mosaic, double[] baseline) {
        return new BenchLine(String.format(Locale.ROOT, "submit: %,d tasks, folder scan included, vs Kafka's producer loop", tasks),
                "tasks/s", mosaic, baseline, Target.report());
    }

    BenchLine publishingLine(double[] mosaic, double[] baseline) {
        return new BenchLine(String.format(Locale.ROOT, "submit: %,d tasks published (folder listed before) vs Kafka's producer loop", tasks),
                "tasks/s", mosaic, baseline, Target.ratioAtLeast(0.9));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
