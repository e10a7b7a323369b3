package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Multi-leader replication: two Kafka clusters as two regions, each taking writes, replicated both
 * ways by Kafka's own MirrorMaker 2 in a JVM of its own ({@link MirrorMakerProcess}; region {@code east}'s topic
 * {@code counters} appears in {@code west} as {@code east.counters}, and the other way round). In
 * both regions at once, a writer increments shared counters, each time reading the counter from
 * its own region's view (both topics, resolved last-writer-wins) and writing the new value. A
 * write is a conflict when the view it read missed an earlier write to the same counter from the
 * other region, still on its way. Then both regions resolve every counter two ways: last writer
 * wins (the newest record by timestamp), and a merge (each region's own increments, summed, as a
 * counter CRDT does). Measured: conflicts, increments lost by each resolution, whether the regions
 * agree, and the replication lag between them.
 */
final class MultiLeaderExperiment implements Experiment.Trial {

    static final int KEYS = 10;
    static final int WRITES_PER_REGION = 300;
    static final Duration WRITE_EVERY = Duration.ofMillis(20);
    private static final String TOPIC = "counters";
    private static final List<String> REGIONS = List.of("east", "west");
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One increment: where, of which counter, when, the value the writer read, and its own count of increments of the counter. */
    record Write(String region, String key, long timestampMs, long read, long ownCount) {

        /** Names the write: a region counts its own increments of each counter. */
        String id() {
            return region + "/" + key + "/" + ownCount;
        }

        String value() {
            return region + "," + (read + 1) + "," + ownCount;
        }

        static Write parse(String key, long timestampMs, String value) {
            String[] parts = value.split(",");
            return new Write(parts[0], key, timestampMs, Long.parseLong(parts[1]) - 1, Long.parseLong(parts[2]));
        }
    }

    /** A region's view of the counters: every write it has, local or replicated, and when each replicated one arrived. */
    private static final class View {
        final Map<String, Write> newest = new ConcurrentHashMap<>();
        final List<Write> all = Collections.synchronizedList(new ArrayList<>());
        final List<Long> lagMillis = Collections.synchronizedList(new ArrayList<>());
        /** When each replicated write arrived, by {@link Write#id()}. */
        final Map<String, Long> arrived = new ConcurrentHashMap<>();

        void take(Write write, boolean replicated) {
            all.add(write);
            // Newest by timestamp; a tie goes to the region first by name, so that both regions pick the same write.
            newest.merge(write.key(), write, (a, b) -> b.timestampMs() > a.timestampMs()
                    || (b.timestampMs() == a.timestampMs() && b.region().compareTo(a.region()) < 0) ? b : a);
            if (replicated) {
                long now = System.currentTimeMillis();
                arrived.put(write.id(), now);
                lagMillis.add(now - write.timestampMs());
            }
        }

        long read(String key) {
            Write w = newest.get(key);
            return w == null ? 0 : w.read() + 1;
        }
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (EmbeddedKafkaCluster east = LabClients.oneBroker(new NewTopic(TOPIC, 1, (short) 1));
             EmbeddedKafkaCluster west = LabClients.oneBroker(new NewTopic(TOPIC, 1, (short) 1))) {
            Map<String, String> bootstrap = Map.of("east", east.bootstrapServers(), "west", west.bootstrapServers());
            MirrorMakerProcess mirror = MirrorMakerProcess.start(mirrorConfig(bootstrap), run.directory().resolve("mirror-maker"));
            run.say("two regions, one broker each; MirrorMaker 2 replicating %s both ways", TOPIC);
            Map<String, View> views = new HashMap<>();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            try {
                awaitMirrored(bootstrap, mirror);
                for (String region : REGIONS) {
                    View view = new View();
                    views.put(region, view);
                    Thread reader = new Thread(() -> follow(bootstrap.get(region), other(region), view, done), "lab-view-" + region);
                    readers.add(reader);
                    reader.start();
                }
                run.say("replication flows; %d increments in each region, %d counters, one every %d ms", WRITES_PER_REGION, KEYS,
                        WRITE_EVERY.toMillis());
                List<Thread> writers = new ArrayList<>();
                Map<String, List<Write>> written = new ConcurrentHashMap<>();
                for (String region : REGIONS) {
                    Random random = new Random(run.seed() * 31 + region.hashCode());
                    Thread writer = new Thread(() -> written.put(region, write(region, bootstrap.get(region), views.get(region), random)),
                            "lab-writer-" + region);
                    writers.add(writer);
                    writer.start();
                }
                for (Thread writer : writers) {
                    writer.join();
                }
                int total = WRITES_PER_REGION * REGIONS.size();
                Waits.until(WAIT, () -> views.values().stream().allMatch(v -> v.all.size() >= total), "every write in both regions");
                return result(written, views);
            } finally {
                done.set(true);
                for (Thread reader : readers) {
                    reader.join();
                }
                mirror.close();
            }
        }
    }

    private static Map<String, String> mirrorConfig(Map<String, String> bootstrap) {
        Map<String, String> props = new HashMap<>();
        props.put("clusters", String.join(",", REGIONS));
        for (String region : REGIONS) {
            props.put(region + ".bootstrap.servers", bootstrap.get(region));
            props.put(region + "->" + other(region) + ".enabled", "true");
            props.put(region + "->" + other(region) + ".topics", TOPIC);
        }
        // One broker per region: every topic MirrorMaker makes has one replica.
        for (String key : List.of("replication.factor", "checkpoints.topic.replication.factor", "heartbeats.topic.replication.factor",
                "offset-syncs.topic.replication.factor", "offset.storage.replication.factor", "config.storage.replication.factor",
                "status.storage.replication.factor")) {
            props.put(key, "1");
        }
        props.put("tasks.max", "1");
        props.put("refresh.topics.interval.seconds", "1");
        props.put("sync.topic.configs.enabled", "false");
        props.put("sync.topic.acls.enabled", "false");
        props.put("emit.checkpoints.enabled", "false");
        props.put("sync.group.offsets.enabled", "false");
        // Records leave as soon as they are polled, so the lag measured is MirrorMaker's, not a batch's.
        props.put("producer.override.linger.ms", "0");
        return props;
    }

    /** Writes a probe in each region and waits until the other region has it: replication flows both ways. */
    private static void awaitMirrored(Map<String, String> bootstrap, MirrorMakerProcess mirror) throws Exception {
        for (String region : REGIONS) {
            try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap.get(region), Map.of())) {
                producer.send(new ProducerRecord<>(TOPIC, "probe", region + ",0,0")).get();
            }
        }
        for (String region : REGIONS) {
            TopicPartition remote = new TopicPartition(other(region) + "." + TOPIC, 0);
            try (Admin admin = LabClients.admin(bootstrap.get(region))) {
                // Two Admin calls a look: every 100 ms rather than the lab's 20.
                Poll.until(WAIT, Duration.ofMillis(100), () -> {
                    if (!mirror.isAlive()) {
                        throw new IllegalStateException("MirrorMaker 2 exited:\n" + mirror.logTail());
                    }
                    return holdsACommittedRecord(admin, remote);
                }, "MirrorMaker to copy " + other(region) + "'s probe into " + region);
            }
        }
    }

    /** Whether {@code partition} exists and has a committed record: Admin calls, no consumer. */
    private static boolean holdsACommittedRecord(Admin admin, TopicPartition partition) throws InterruptedException {
        try {
            // Asked first, since the offsets of a topic not yet created are logged as an error.
            if (!admin.listTopics().names().get(5, TimeUnit.SECONDS).contains(partition.topic())) {
                return false;
            }
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get(5, TimeUnit.SECONDS).offset() > 0;
        } catch (ExecutionException | TimeoutException notYet) {
            // The copy's topic is not created yet, or the broker is slow to answer: look again.
            return false;
        }
    }

    /** The region's own topic and the other region's copy, from the beginning, into {@code view}. */
    private static void follow(String bootstrap, String otherRegion, View view, AtomicBoolean done) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(otherRegion + "." + TOPIC, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(5))) {
                    if (!record.key().equals("probe")) {
                        view.take(Write.parse(record.key(), record.timestamp(), record.value()), !record.topic().equals(TOPIC));
                    }
                }
            }
        }
    }

    /** Increments random counters, each time reading the value from the region's own view: read, add one, write. */
    private static List<Write> write(String region, String bootstrap, View view, Random random) {
        List<Write> writes = new ArrayList<>();
        Map<String, Long> own = new HashMap<>();
        try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < WRITES_PER_REGION; i++) {
                String key = "counter-" + random.nextInt(KEYS);
                Write write = new Write(region, key, System.currentTimeMillis(), view.read(key), own.merge(key, 1L, Long::sum));
                producer.send(new ProducerRecord<>(TOPIC, null, write.timestampMs(), key, write.value()));
                writes.add(write);
                Thread.sleep(WRITE_EVERY.toMillis());
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return writes;
    }

    private static String other(String region) {
        return region.equals("east") ? "west" : "east";
    }

    private static LabResult result(Map<String, List<Write>> written, Map<String, View> views) {
        List<Write> all = new ArrayList<>();
        written.values().forEach(all::addAll);
        // A conflict: the other region had already incremented the counter, but that write reached
        // this region's view only after this one was made from it.
        int conflicts = 0;
        for (Write w : all) {
            Map<String, Long> arrivals = views.get(w.region()).arrived;
            boolean missed = all.stream().anyMatch(o -> !o.region().equals(w.region()) && o.key().equals(w.key())
                    && o.timestampMs() < w.timestampMs() && arrivals.getOrDefault(o.id(), Long.MAX_VALUE) > w.timestampMs());
            if (missed) {
                conflicts++;
            }
        }
        Map<String, Long> lww = new HashMap<>();
        Map<String, Long> merged = new HashMap<>();
        boolean agree = true;
        for (String region : REGIONS) {
            Map<String, Long> regionLww = new HashMap<>();
            Map<String, Map<String, Long>> perOrigin = new HashMap<>();
            for (Write w : List.copyOf(views.get(region).all)) {
                perOrigin.computeIfAbsent(w.key(), k -> new HashMap<>()).merge(w.region(), w.ownCount(), Math::max);
            }
            views.get(region).newest.forEach((key, w) -> regionLww.put(key, w.read() + 1));
            Map<String, Long> regionMerged = new HashMap<>();
            perOrigin.forEach((key, origins) -> regionMerged.put(key, origins.values().stream().mapToLong(Long::longValue).sum()));
            if (region.equals(REGIONS.get(0))) {
                lww.putAll(regionLww);
                merged.putAll(regionMerged);
            } else {
                agree = lww.equals(regionLww) && merged.equals(regionMerged);
            }
        }
        long increments = all.size();
        long lwwTotal = lww.values().stream().mapToLong(Long::longValue).sum();
        long mergedTotal = merged.values().stream().mapToLong(Long::longValue).sum();
        List<Long> lags = new ArrayList<>();
        views.values().forEach(v -> lags.addAll(List.copyOf(v.lagMillis)));
        Collections.sort(lags);
        long lagP50 = lags.isEmpty() ? 0 : lags.get(lags.size() / 2);
        long lagMax = lags.isEmpty() ? 0 : lags.get(lags.size() - 1);
        return LabResult.builder("multi-leader: " + increments + " increments of " + KEYS + " counters, written in two regions at once,"
                        + " replicated both ways by MirrorMaker 2", "resolution", "increments", "counted", "lost", "regions agree")
                .row("last writer wins", Long.toString(increments), Long.toString(lwwTotal), Long.toString(increments - lwwTotal), agree ? "yes" : "NO")
                .row("merge (per-region counts summed)", Long.toString(increments), Long.toString(mergedTotal),
                        Long.toString(increments - mergedTotal), agree ? "yes" : "NO")
                .lesson("%d of %d writes were conflicts: the writer read a counter before the other region's latest increment of it had"
                        + " arrived (replication lag between the regions: median %d ms, max %d ms).", conflicts, increments, lagP50, lagMax)
                .lesson("Last writer wins keeps one of two concurrent writes and drops the other: %d increments lost, silently, though"
                        + " both regions agree on the result. Merging what each region did (a counter CRDT) loses none.",
                        increments - lwwTotal)
                .lesson("Both regions took every write while the other was busy: that is what multi-leader buys, and conflicts are"
                        + " what it costs. Kafka itself has one leader per partition; across regions, MirrorMaker copies topics and"
                        + " leaves conflicts to the application.")
                .measure("increments", increments)
                .measure("conflicts", conflicts)
                .measure("lwwLost", increments - lwwTotal)
                .measure("mergeLost", increments - mergedTotal)
                .measure("agree", agree ? 1 : 0)
                .measure("lagP50Ms", lagP50)
                .build();
    }
}
