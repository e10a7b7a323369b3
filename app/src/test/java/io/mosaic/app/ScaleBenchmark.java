package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.analysis.HashedImage;
import io.mosaic.analysis.NearDuplicateGrouper;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.consumers.reports.ReportWriter;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.progress.Progress;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One job of many tiny generated images (100,000 by default) through the whole pipeline on an
 * embedded one-broker cluster: the job completes, the report's counts and near-duplicate groups
 * are exact, and no record in any topic (changelogs and internal topics included) reaches 1 MB.
 * The broker keeps Kafka's default 1 MB record limit, so an oversized write would also fail the
 * pipeline itself.
 *
 * <p>Not part of {@code mvn verify}: the name does not match failsafe's {@code *IT} pattern. Run
 * it on purpose, with the image count and a larger heap:
 *
 * <pre>
 * mvn -o -pl app verify -Dit.test=ScaleBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmosaic.scale.images=100000 -Dit.argLine=-Xmx3g
 * </pre>
 *
 * The timings are printed and written to {@code target/scale-benchmark.txt}. The everyday CI
 * run covers the same path at a small size ({@code DemoIT}, {@code PoisonRecordsIT}).
 */
class ScaleBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every hundredth image gets a brightened copy: a near-duplicate pair by construction. */
    private static final int COPY_EVERY = 100;
    private static final long ONE_MB = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aJobOfManyTinyImagesCompletesWithExactGroupsAndNoRecordOf1Mb() throws Exception {
        int count = Integer.getInteger("mosaic.scale.images", 100_000);
        int distance = MosaicConfig.defaults().get(AggregatorSettings.NEAR_DUPLICATE_DISTANCE);
        Map<String, String> timings = new java.util.LinkedHashMap<>();

        long t = System.nanoTime();
        Map<String, String> copyOf = writeImages(dir.resolve("images"), count);
        timings.put("generate " + count + " PNGs of 16x16", seconds(t));

        t = System.nanoTime();
        try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(4).images(dir.resolve("images"))
                .reportDir(dir.resolve("reports")).workDir(dir).instanceId("scale").start()) {
            MosaicConfig config = pipeline.config();
            Topics topics = pipeline.topics();
            JobAggregator aggregator = pipeline.aggregator();
            timings.put("start broker, registry and services", seconds(t));

            long jobStart = System.nanoTime();
            JobSubmitter.SubmittedJob job = pipeline.submit(dir.resolve("images"), "scale", Progress.none());
            timings.put("publish " + job.taskCount() + " tasks", seconds(jobStart));
            assertThat(job.taskCount()).isEqualTo(count);

            long completedAt = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
            while (pipeline.awaitReport(job.jobId(), Duration.ofSeconds(1)).isEmpty()) {
                if (completedAt == 0 && aggregator.localSummary(job.jobId()).map(s -> s.getState() == JobState.COMPLETED).orElse(false)) {
                    completedAt = System.nanoTime();
                }
                assertThat(System.nanoTime()).as("job done within 60 minutes").isLessThan(deadline);
            }
            long reportAt = System.nanoTime();
            double jobSeconds = (reportAt - jobStart) / 1e9;
            timings.put("job, submit to report", String.format(Locale.ROOT, "%.1f s (%.0f images/s)", jobSeconds, count / jobSeconds));
            if (completedAt != 0) {
                timings.put("COMPLETED summary to report written", String.format(Locale.ROOT, "%.1f s (at most; polled each second)",
                        (reportAt - completedAt) / 1e9));
            }
            JobSummary summary = aggregator.localSummary(job.jobId()).orElseThrow();

            t = System.nanoTime();
            Path reportPath = pipeline.report(job.jobId()).orElseThrow();
            JsonNode report = JSON.readTree(reportPath.toFile());
            timings.put("read the report (" + Files.size(reportPath) / 1024 + " KiB)", seconds(t));
            assertThat(report.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(report.get("taskCount").asInt()).isEqualTo(count);
            assertThat(report.get("succeeded").asInt()).isEqualTo(count);
            assertThat(report.get("failed").asInt()).isZero();
            assertThat(report.get("images")).hasSize(count);
            assertThat(report.get("blurry")).hasSize(summary.getBlurryCount());
            assertThat(report.get("nearDuplicateGroups")).hasSize(summary.getNearDuplicateGroupCount());

            List<HashedImage> hashed = new ArrayList<>();
            for (JsonNode image : report.get("images")) {
                hashed.add(HashedImage.withHashes(image.get("uri").asText(), Long.parseUnsignedLong(image.get("perceptualHash").asText(), 16),
                        Long.parseUnsignedLong(image.get("wideHash").asText(), 16), false));
            }
            t = System.nanoTime();
            List<List<String>> grouped = NearDuplicateGrouper.groups(hashed, distance);
            timings.put("group " + hashed.size() + " hashes (banded, as the aggregator does)", seconds(t));
            t = System.nanoTime();
            List<List<String>> expected = allPairsGroups(hashed, distance);
            timings.put("group them by comparing all pairs (the check)", seconds(t));
            List<List<String>> reported = new ArrayList<>();
            report.get("nearDuplicateGroups").forEach(group -> {
                List<String> uris = new ArrayList<>();
                group.forEach(uri -> uris.add(uri.asText()));
                reported.add(uris);
            });
            assertThat(reported).isEqualTo(expected).isEqualTo(grouped);
            Map<String, Integer> groupOf = new HashMap<>();
            for (int g = 0; g < reported.size(); g++) {
                for (String uri : reported.get(g)) {
                    groupOf.put(uri, g);
                }
            }
            int planted = 0;
            for (Map.Entry<String, String> pair : copyOf.entrySet()) {
                Integer copyGroup = groupOf.get(pair.getKey());
                if (copyGroup != null && copyGroup.equals(groupOf.get(pair.getValue()))) {
                    planted++;
                }
            }
            timings.put("planted pairs grouped", planted + " of " + copyOf.size());
            assertThat(planted).as("planted near-duplicate pairs grouped").isGreaterThanOrEqualTo(copyOf.size() * 95 / 100);

            t = System.nanoTime();
            Map<String, long[]> largest = largestRecords(config);
            timings.put("scan every topic for its largest record", seconds(t));
            largest.forEach((topic, stats) -> timings.put("  " + topic, String.format(Locale.ROOT, "%d records, largest %d bytes",
                    stats[0], stats[1])));
            assertThat(largest).containsKeys(topics.jobSummaries().name(), topics.nearDuplicateGroups().name());
            assertThat(largest.get(topics.imageResults().name())[0]).isGreaterThanOrEqualTo(count);
            assertThat(largest).allSatisfy((topic, stats) -> assertThat(stats[1]).as("largest record in %s", topic).isLessThan(ONE_MB));
            timings.put("summary", String.format(Locale.ROOT, "succeeded=%d failed=%d duplicatesIgnored=%d blurry=%d groups=%d",
                    summary.getSucceeded(), summary.getFailed(), summary.getDuplicatesIgnored(), summary.getBlurryCount(),
                    summary.getNearDuplicateGroupCount()));
        } finally {
            print(timings);
        }
    }

    /**
     * {@code count} 16x16 PNGs of random pixels in folders of 1,000; every hundredth original also
     * has a copy brightened by 8 levels. Returns copy URI to original URI.
     */
    private static Map<String, String> writeImages(Path root, int count) throws IOException {
        Random random = new Random(2025);
        Map<String, String> copyOf = new TreeMap<>();
        int written = 0;
        int original = 0;
        while (written < count) {
            Path folder = Files.createDirectories(root.resolve(String.format("%03d", written / 1000)));
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = folder.resolve(String.format("img-%06d.png", original));
            SampleImages.write(image, "png", file);
            written++;
            if (original % COPY_EVERY == 0 && written < count) {
                Path copy = folder.resolve(String.format("img-%06d-bright.png", original));
                SampleImages.write(SampleImages.brighten(image, 8), "png", copy);
                copyOf.put(copy.toUri().toString(), file.toUri().toString());
                written++;
            }
            original++;
        }
        return copyOf;
    }

    /** The reference grouping: every pair compared, union-find, sorted as the report sorts. */
    private static List<List<String>> allPairsGroups(List<HashedImage> images, int distance) {
        int n = images.size();
        long[] hashes = images.stream().mapToLong(HashedImage::hash).toArray();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            long hash = hashes[i];
            for (int j = i + 1; j < n; j++) {
                if (Long.bitCount(hash ^ hashes[j]) <= distance) {
                    parent[root(parent, i)] = root(parent, j);
                }
            }
        }
        Map<Integer, TreeSet<String>> groups = new HashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(root(parent, i), r -> new TreeSet<>()).add(images.get(i).uri());
        }
        return groups.values().stream().filter(g -> g.size() > 1).map(g -> (List<String>) new ArrayList<>(g))
                .sorted(Comparator.comparing((List<String> g) -> g.get(0))).toList();
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Per topic: records read and the largest record's size (key, value and headers), uncommitted included. */
    private static Map<String, long[]> largestRecords(MosaicConfig config) throws Exception {
        Set<String> names;
        try (Admin admin = Admin.create(KafkaClients.base(config, "scale-admin"))) {
            names = new TreeSet<>(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get(30, TimeUnit.SECONDS));
        }
        Map<String, Object> props = new HashMap<>(KafkaClients.base(config, "scale-scan"));
        // Aborted transactions' records were written too, so they count.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, long[]> largest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : names) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                long[] stats = new long[2];
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                    assertThat(System.nanoTime()).as("read %s within 5 minutes", topic).isLessThan(deadline);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
                        for (Header header : record.headers()) {
                            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
                        }
                        stats[0]++;
                        stats[1] = Math.max(stats[1], size);
                    }
                }
                largest.put(topic, stats);
            }
        }
        return largest;
    }

    private static String seconds(long since) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - since) / 1e9);
    }

    private static void print(Map<String, String> timings) throws IOException {
        StringBuilder text = new StringBuilder("Scale benchmark (" + Runtime.getRuntime().availableProcessors() + " cores)\n");
        timings.forEach((what, value) -> text.append(String.format(Locale.ROOT, "  %-50s %s%n", what, value)));
        PrintStream out = System.out;
        out.print(text);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("scale-benchmark.txt"), text);
        }
    }
}
