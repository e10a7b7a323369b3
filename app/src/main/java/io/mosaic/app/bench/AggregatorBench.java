package io.mosaic.app.bench;

import io.mosaic.app.bench.BenchLine.Target;
import io.mosaic.app.chaos.GroupWatch;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.kafka.Acknowledgements;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topic;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The aggregator lines: results per second that Mosaic's aggregator folds (decode, de-duplicate
 * by task id, fold the summary, keep the perceptual hashes, group near-duplicates when a job
 * completes) from a results topic filled beforehand, under exactly_once_v2, against a plain Kafka
 * Streams {@code groupByKey().aggregate(count, sum of value bytes)} under exactly_once_v2 on the
 * same records, and against itself at at_least_once. Each run is a new application id and state
 * directory, so each reads every record from the start; the clock runs from the last look at its
 * store that found no result counted to the first that found all.
 */
final class AggregatorBench {

    private static final String COUNTS_STORE = "bench-counts";

    private final BenchTopics bench;
    private final Path work;
    private final int jobs;
    private final int perJob;
    private int runs;

    private AggregatorBench(BenchTopics bench, Path work, int jobs, int perJob) {
        this.bench = bench;
        this.work = work;
        this.jobs = jobs;
        this.perJob = perJob;
    }

    /** Fills the topics of its own with {@code jobs} job records and {@code perJob} OK results each. */
    static AggregatorBench prepare(MosaicConfig config, Path work, int jobs, int perJob) throws Exception {
        BenchTopics bench = BenchTopics.create(config, "bench-aggregator");
        Map<String, Object> props = KafkaClients.base(config, "bench-loader");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // The loader is not what is measured; every send is checked, and the topic's end offsets
        // after. (An idempotent loader once left one new partition's batches unsent until they
        // expired.)
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        Random random = new Random(11);
        Instant now = Instant.now();
        Acknowledgements acknowledged = new Acknowledgements();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            awaitLeaders(producer, bench.topics().jobs().name());
            awaitLeaders(producer, bench.topics().imageResults().name());
            for (int j = 0; j < jobs; j++) {
                String jobId = jobId(j);
                producer.send(bench.topics().jobs().record(jobId, ImageJob.newBuilder().setJobId(jobId)
                        .setSource("file:/bench/" + jobId + "/").setTaskCount(perJob).setSubmittedAt(now).build()), acknowledged);
            }
            for (int t = 0; t < perJob; t++) {
                for (int j = 0; j < jobs; j++) {
                    String jobId = jobId(j);
                    String uri = "file:/bench/" + jobId + "/photo-" + t + ".jpg";
                    ImageResult result = ImageResult.newBuilder().setTaskId(jobId + "-" + t).setJobId(jobId).setUri(uri)
                            .setStatus(ResultStatus.OK).setFormat("jpeg").setWidth(640).setHeight(480).setBytes(40_000 + t)
                            .setMeanLuma(random.nextDouble()).setSharpness(1 + 6 * random.nextDouble()).setBlurry(random.nextInt(10) == 0)
                            .setPerceptualHashHex(HashHex.of(random.nextLong())).setWideHashHex(HashHex.of(random.nextLong())).setAnalyzedAt(now)
                            .setWorker("bench/loader-0").setDurationMs(5).build();
                    producer.send(bench.topics().imageResults().record(jobId, result), acknowledged);
                }
            }
            producer.flush();
        }
        acknowledged.throwIfFailed("loading the aggregator's results");
        long loaded = endOffsets(config, bench.topics().imageResults());
        if (loaded != (long) jobs * perJob) {
            throw new IllegalStateException("the results topic holds " + loaded + " records, " + jobs * perJob + " were loaded");
        }
        return new AggregatorBench(bench, work, jobs, perJob);
    }

    /** Waits until every partition of a just-created topic has a leader the producer knows. */
    private static void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic) throws InterruptedException {
        Poll.until(Duration.ofSeconds(60), Duration.ofMillis(100),
                () -> producer.partitionsFor(topic).stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()),
                "a leader for every partition of " + topic);
    }

    private static long endOffsets(MosaicConfig config, Topic<?, ?> topic) throws Exception {
        long total = 0;
        try (GroupWatch watch = new GroupWatch(config, "bench-loader-admin")) {
            for (int p = 0; p < topic.partitions(); p++) {
                total += watch.endOffset(new TopicPartition(topic.name(), p));
            }
        }
        return total;
    }

    int results() {
        return jobs * perJob;
    }

    /** One run of Mosaic's aggregator, in results per second. */
    double mosaic(boolean exactlyOnce) throws Exception {
        // A group prefix of its own per run: a new application id, reading everything from the start.
        String prefix = KafkaClients.groupId(bench.config(), "bench-" + (exactlyOnce ? "eos" : "alos") + "-" + (++runs));
        MosaicConfig config = bench.config().with(KafkaSettings.GROUP_PREFIX, prefix)
                .with(AggregatorSettings.STATE_DIR, work.resolve("streams-" + prefix).toString());
        String id = KafkaClients.groupId(config, "aggregator");
        JobAggregator aggregator = new JobAggregator(config, bench.topics(), AggregatorSettings.defaults(), exactlyOnce);
        aggregator.start();
        try {
            return rate(id, () -> {
                long counted = 0;
                for (int j = 0; j < jobs; j++) {
                    counted += aggregator.localSummary(jobId(j)).map(s -> (long) s.getSucceeded() + s.getFailed()).orElse(0L);
                }
                return counted;
            });
        } finally {
            aggregator.stop();
        }
    }

    /** One run of the plain Streams baseline under exactly_once_v2, in results per second. */
    double baseline() throws Exception {
        String id = KafkaClients.groupId(bench.config(), "bench-aggregator-plain-" + (++runs));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(bench.topics().imageResults().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.ByteArray()))
                .aggregate(() -> new long[2], (jobId, value, countAndSum) -> new long[] {countAndSum[0] + 1, countAndSum[1] + value.length},
                        Materialized.<String, long[], KeyValueStore<Bytes, byte[]>>as(COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(new CountAndSumSerde()))
                .toStream().to(id + ".out", Produced.with(Serdes.String(), new CountAndSumSerde()));
        Properties props = new Properties();
        props.putAll(KafkaClients.base(bench.config(), "bench-plain-streams"));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) bench.topics().replicationFactor());
        props.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("streams-" + id).toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            // Streams creates its internal topics, not its output topic.
            BenchTopics.createTopic(bench.config(), id + ".out", 1, bench.topics().replicationFactor());
            streams.start();
            if (!running.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the plain Streams baseline did not reach RUNNING within 120 s");
            }
            return rate(id, () -> counted(streams));
        }
    }

    /**
     * Results per second from the last time {@code counted} was zero to the time it reaches every
     * result, polled every 5 ms: start-up and rebalancing are left out for every run alike,
     * wherever they end, and a run that counts everything between two looks is still timed.
     */
    private double rate(String id, LongSupplier counted) throws InterruptedException {
        long lastZeroAt = System.nanoTime();
        long lastCount = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long count = counted.getAsLong();
            if (count == 0) {
                lastZeroAt = now;
            }
            if (count >= results()) {
                // Every result was counted between the last look that saw none and this one.
                return results() / Math.max(1e-3, (now - lastZeroAt) / 1e9);
            }
            if (count != lastCount) {
                lastCount = count;
                lastChange = now;
            } else if (now - lastChange > TimeUnit.SECONDS.toNanos(120)) {
                throw new IllegalStateException(id + " stopped at " + count + " of " + results() + " results counted for two minutes");
            }
            Thread.sleep(5);
        }
    }

    private long counted(KafkaStreams streams) {
        try {
            ReadOnlyKeyValueStore<String, long[]> store = streams.store(
                    StoreQueryParameters.fromNameAndType(COUNTS_STORE, QueryableStoreTypes.keyValueStore()));
            long total = 0;
            for (int j = 0; j < jobs; j++) {
                long[] countAndSum = store.get(jobId(j));
                total += countAndSum == null ? 0 : countAndSum[0];
            }
            return total;
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            return 0;
        }
    }

    java.util.List<BenchLine> lines(double[] eos, double[] plain, double[] alos) {
        String size = String.format(Locale.ROOT, "%,d results", results());
        return java.util.List.of(
                new BenchLine("aggregator, exactly-once, vs plain Streams count+sum, exactly-once (" + size + ")",
                        "results/s", eos, plain, Target.ratioAtLeast(0.9)),
                new BenchLine("aggregator, exactly-once, vs itself at at-least-once", "results/s", eos, alos,
                        Target.ratioAtLeast(0.85)));
    }

    private static String jobId(int j) {
        return String.format(Locale.ROOT, "bench-agg-%03d", j);
    }

    /** Two longs, count and sum, in 16 bytes. */
    private static final class CountAndSumSerde implements Serde<long[]> {
        @Override
        public Serializer<long[]> serializer() {
            return (topic, v) -> v == null ? null : ByteBuffer.allocate(16).putLong(v[0]).putLong(v[1]).array();
        }

        @Override
        public Deserializer<long[]> deserializer() {
            return (topic, b) -> {
                if (b == null) {
                    return null;
                }
                ByteBuffer buffer = ByteBuffer.wrap(b);
                return new long[] {buffer.getLong(), buffer.getLong()};
            };
        }
    }
}
