package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.deadletter.DeadLetterTopic;
import io.mosaic.consumers.worker.DeadLetters;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records in the task topic during a job, on a real broker and registry with the whole
 * pipeline: each one lands in the dead-letter topic byte for byte with headers saying why and
 * where from, the job still completes with exact counts, and {@code mosaic dlq list} and
 * {@code mosaic dlq replay} work on them.
 */
class PoisonRecordsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN_HEADER = "origin";

    @TempDir
    Path dir;

    /** A poison record as sent, and where it landed in the task topic. */
    private record Poison(String name, byte[] key, byte[] value, int partition, long offset) {
    }

    @Test
    void poisonRecordsEndInTheDeadLetterTopicAndTheJobStillCompletesExactly() throws Exception {
        SampleImages.SampleSet set = SampleImages.writeSampleSet(dir.resolve("images"), 6, 11);
        try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(2).images(set.directory())
                .reportDir(dir.resolve("reports")).workDir(dir).instanceId("poison-it").start()) {
            MosaicConfig config = pipeline.config();
            Topics topics = pipeline.topics();

            List<Poison> poisons = new ArrayList<>();
            String jobId;
            try (KafkaProducer<byte[], byte[]> raw = rawProducer(config)) {
                poisons.add(send(raw, topics, "wrong magic byte", new byte[] {1, 0, 0, 0, 1, 2, 3}));
                poisons.add(send(raw, topics, "unknown schema id", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4, 6}));
                JobSubmitter.SubmittedJob job = pipeline.submit(set.directory(), null, Progress.none());
                jobId = job.jobId();
                poisons.add(send(raw, topics, "garbage", "this is not an image task".getBytes(StandardCharsets.UTF_8)));
                poisons.add(send(raw, topics, "empty value", new byte[0]));
                byte[] task = topics.imageTasks().valueSerde().serializer().serialize(topics.imageTasks().name(),
                        ImageTask.newBuilder().setTaskId("t").setJobId(job.jobId()).setUri("file:/nowhere.png")
                                .setSubmittedAt(Instant.now()).build());
                poisons.add(send(raw, topics, "known schema, truncated body", Arrays.copyOf(task, 8)));
                assertThat(job.taskCount()).isEqualTo(set.taskCount());
            }

            Path reportPath = pipeline.awaitReport(jobId, Duration.ofSeconds(180)).orElseThrow(() -> new AssertionError("no report written"));
            JsonNode report = JSON.readTree(reportPath.toFile());
            assertThat(report.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(report.get("taskCount").asInt()).isEqualTo(set.taskCount());
            assertThat(report.get("succeeded").asInt()).isEqualTo(set.images());
            assertThat(report.get("failed").asInt()).isEqualTo(set.broken());
            assertThat(report.get("duplicatesIgnored").asInt()).isZero();
            assertThat(report.get("images")).hasSize(set.taskCount());
            assertThat(report.get("blurry")).hasSize(set.blurry());
            assertThat(report.get("nearDuplicateGroups")).hasSize(set.nearDuplicateCopies());

            Map<String, ConsumerRecord<byte[], byte[]>> deadByName = awaitDeadLetters(config, topics, poisons);
            for (Poison poison : poisons) {
                ConsumerRecord<byte[], byte[]> dead = deadByName.get(poison.name());
                assertThat(dead.value()).as(poison.name()).isEqualTo(poison.value());
                assertThat(dead.key()).as(poison.name()).isEqualTo(poison.key());
                assertThat(header(dead, DeadLetters.ERROR)).as(poison.name()).startsWith("SerializationException: ");
                assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.imageTasks().name());
                assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo(Integer.toString(poison.partition()));
                assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo(Long.toString(poison.offset()));
                assertThat(Instant.parse(header(dead, DeadLetters.FAILED_AT))).isBefore(Instant.now());
                assertThat(header(dead, ORIGIN_HEADER)).isEqualTo("poison-it");
            }
            assertThat(header(deadByName.get("wrong magic byte"), DeadLetters.ERROR)).contains("magic byte");
            assertThat(header(deadByName.get("unknown schema id"), DeadLetters.ERROR)).contains("schema id");

            String[] connection = {"--bootstrap-servers", config.bootstrapServers(), "--schema-registry-url", config.schemaRegistryUrl()};
            MosaicRuns.Run list = mosaic(connection, "dlq", "list");
            assertThat(list.exitCode()).as(list.output()).isZero();
            List<String> lines = list.output().lines().filter(line -> line.matches("\\d+@\\d+ .*")).toList();
            assertThat(lines).hasSize(poisons.size());
            for (Poison poison : poisons) {
                ConsumerRecord<byte[], byte[]> dead = deadByName.get(poison.name());
                assertThat(lines).anySatisfy(line -> assertThat(line)
                        .startsWith(dead.partition() + "@" + dead.offset() + " ")
                        .contains(" " + topics.imageTasks().name() + "-" + poison.partition() + "@" + poison.offset() + " ")
                        .contains(header(dead, DeadLetters.FAILED_AT))
                        .contains(header(dead, DeadLetters.ERROR).replaceAll("\\s+", " ").trim()));
            }

            // Replay the wrong-magic record: it goes back to the task topic unchanged and, still
            // poison, comes back to the dead-letter topic with fresh headers.
            ConsumerRecord<byte[], byte[]> chosen = deadByName.get("wrong magic byte");
            String chosenPosition = chosen.partition() + "@" + chosen.offset();
            MosaicRuns.Run replay = mosaic(connection, "dlq", "replay", chosenPosition);
            assertThat(replay.exitCode()).as(replay.output()).isZero();
            java.util.regex.Matcher sentTo = java.util.regex.Pattern
                    .compile("replayed " + chosenPosition + " to " + java.util.regex.Pattern.quote(topics.imageTasks().name()) + "-(\\d+)@(\\d+)")
                    .matcher(replay.output());
            assertThat(sentTo.find()).as(replay.output()).isTrue();
            int replayPartition = Integer.parseInt(sentTo.group(1));
            long replayOffset = Long.parseLong(sentTo.group(2));

            ConsumerRecord<byte[], byte[]> replayed = readOne(config, topics.imageTasks().name(), replayPartition, replayOffset);
            assertThat(replayed.value()).isEqualTo(chosen.value());
            assertThat(replayed.key()).isEqualTo(chosen.key());
            assertThat(headerKeys(replayed)).containsExactly(ORIGIN_HEADER, DeadLetterTopic.REPLAYED_FROM, DeadLetterTopic.REPLAYED_AT);
            assertThat(header(replayed, DeadLetterTopic.REPLAYED_FROM)).isEqualTo(topics.imageTasksDlq().name() + "-" + chosenPosition);

            ConsumerRecord<byte[], byte[]> back = eventually(
                    () -> readAll(config, topics.imageTasksDlq().name()).stream()
                            .filter(r -> Long.toString(replayOffset).equals(header(r, DeadLetters.SOURCE_OFFSET))
                                    && Integer.toString(replayPartition).equals(header(r, DeadLetters.SOURCE_PARTITION)))
                            .findFirst().orElse(null),
                    r -> r != null, "the replayed record back in the dead-letter topic");
            assertThat(back.value()).isEqualTo(chosen.value());
            assertThat(header(back, DeadLetterTopic.REPLAYED_FROM)).isEqualTo(topics.imageTasksDlq().name() + "-" + chosenPosition);
            assertThat(headerKeys(back).stream().filter(DeadLetters.ERROR::equals)).hasSize(1);
            assertThat(readAll(config, topics.imageTasksDlq().name())).hasSize(poisons.size() + 1);

            MosaicRuns.Run missing = mosaic(connection, "dlq", "replay", "0@999999");
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.output()).contains("no dead letter at [0@999999]").doesNotContain("\tat ");
        }
    }

    private static Poison send(KafkaProducer<byte[], byte[]> producer, Topics topics, String name, byte[] value) throws Exception {
        byte[] key = ("poison-" + name).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.imageTasks().name(), key, value);
        record.headers().add(ORIGIN_HEADER, "poison-it".getBytes(StandardCharsets.UTF_8));
        RecordMetadata sent = producer.send(record).get(30, TimeUnit.SECONDS);
        return new Poison(name, key, value, sent.partition(), sent.offset());
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(MosaicConfig config) {
        Map<String, Object> props = KafkaClients.base(config, "poison-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The dead letter of each poison record, by the poison's name (matched by source position). */
    private static Map<String, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(MosaicConfig config, Topics topics, List<Poison> poisons)
            throws InterruptedException {
        return eventually(() -> {
            Map<String, ConsumerRecord<byte[], byte[]>> byName = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> dead : readAll(config, topics.imageTasksDlq().name())) {
                for (Poison poison : poisons) {
                    if (Long.toString(poison.offset()).equals(header(dead, DeadLetters.SOURCE_OFFSET))
                            && Integer.toString(poison.partition()).equals(header(dead, DeadLetters.SOURCE_PARTITION))) {
                        byName.put(poison.name(), dead);
                    }
                }
            }
            return byName;
        }, byName -> byName.size() == poisons.size(), "a dead letter for every poison record");
    }

    /** Polls {@code read} until {@code done} holds, for up to 60 seconds. */
    private static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s; last seen: " + value);
            }
            Thread.sleep(250);
            value = read.get();
        }
        return value;
    }

    /** Every committed record of {@code topic}, from the beginning to the current end. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(MosaicConfig config, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static ConsumerRecord<byte[], byte[]> readOne(MosaicConfig config, String topic, int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(config)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no record at " + topic + "-" + partition + "@" + offset);
        }
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted(MosaicConfig config) {
        Map<String, Object> props = new HashMap<>(KafkaClients.base(config, "poison-reader"));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> headerKeys(ConsumerRecord<byte[], byte[]> record) {
        List<String> keys = new ArrayList<>();
        record.headers().forEach(h -> keys.add(h.key()));
        return keys;
    }

    private static MosaicRuns.Run mosaic(String[] connection, String... command) {
        return MosaicRuns.mosaicWithErrors(Stream.concat(Arrays.stream(command), Arrays.stream(connection)).toArray(String[]::new));
    }
}
