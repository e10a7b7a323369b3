package io.mosaic.app.lab;

import static io.mosaic.app.lab.LabResult.decimal;
import static io.mosaic.app.lab.LabResult.percent;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.schemas.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

/**
 * Partitioning: how keys spread over partitions, what a hot key does, key ranges against hashing,
 * and how many keys move when partitions are added, under Kafka's hash-mod-N and under a
 * consistent-hash ring. The spreads and the keys moved under Kafka are measured on a real broker:
 * every partition below is the one Kafka's producer chose and the broker stored. Key ranges and
 * the ring are models (Kafka has neither), fed with the same keys.
 */
final class PartitioningExperiment implements Experiment.Trial {

    static final int KEYS = 20_000;
    static final int PARTITIONS = 12;
    static final int GROWN = 16;
    static final double HOT_SHARE = 0.3;
    static final int VIRTUAL_NODES = 128;
    private static final String TOPIC = "lab-partitioning";

    @Override
    public LabResult run(LabRun run) throws Exception {
        Random random = run.random();
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            taskIds.add(Identity.taskId("job-lab", String.format("file:///photos/IMG_%05d.jpg", i)));
        }
        List<String> hotRecords = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            hotRecords.add(random.nextDouble() < HOT_SHARE ? "the-hot-job" : taskIds.get(i));
        }

        int[] spread;
        int[] hotSpread;
        int[] before;
        int[] after;
        try (EmbeddedKafkaCluster kafka = LabClients.oneBroker(new NewTopic(TOPIC, PARTITIONS, (short) 1))) {
            run.say("1 broker up at %s; topic %s with %d partitions", kafka.bootstrapServers(), TOPIC, PARTITIONS);
            before = send(kafka.bootstrapServers(), taskIds, PARTITIONS);
            spread = histogram(before, PARTITIONS);
            hotSpread = histogram(send(kafka.bootstrapServers(), hotRecords, PARTITIONS), PARTITIONS);
            run.say("sent %d task ids, then %d records of which %s carry one job's key", KEYS, KEYS, percent(HOT_SHARE));
            try (Admin admin = LabClients.admin(kafka.bootstrapServers())) {
                admin.createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(GROWN))).all().get(30, TimeUnit.SECONDS);
            }
            after = send(kafka.bootstrapServers(), taskIds, GROWN);
            run.say("grew the topic to %d partitions and sent the same %d task ids again", GROWN, KEYS);
        }
        double kafkaMoved = movedShare(before, after);

        // Key ranges: photo paths by date, most taken in summer and at the year's end, as photos are.
        List<String> paths = photoPaths(random);
        int[] byMonth = new int[PARTITIONS];
        int[] pathHash = new int[PARTITIONS];
        Set<Integer> julyHash = new HashSet<>();
        for (String path : paths) {
            int month = Integer.parseInt(path.substring("photos/2024-".length(), "photos/2024-".length() + 2)) - 1;
            byMonth[month]++;
            int partition = kafkaPartition(path, PARTITIONS);
            pathHash[partition]++;
            if (month == 6) {
                julyHash.add(partition);
            }
        }

        Ring small = new Ring(PARTITIONS, 1);
        Ring grown = new Ring(GROWN, 1);
        Ring smallV = new Ring(PARTITIONS, VIRTUAL_NODES);
        Ring grownV = new Ring(GROWN, VIRTUAL_NODES);
        int[] ringBefore = new int[KEYS];
        int[] ringAfter = new int[KEYS];
        int[] ringBeforeV = new int[KEYS];
        int[] ringAfterV = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            ringBefore[i] = small.owner(taskIds.get(i));
            ringAfter[i] = grown.owner(taskIds.get(i));
            ringBeforeV[i] = smallV.owner(taskIds.get(i));
            ringAfterV[i] = grownV.owner(taskIds.get(i));
        }
        double ringMoved = movedShare(ringBefore, ringAfter);
        double ringMovedV = movedShare(ringBeforeV, ringAfterV);
        int[] grownSpread = histogram(after, GROWN);

        double hashSkew = skew(spread);
        double hotSkew = skew(hotSpread);
        double rangeSkew = skew(byMonth);
        double pathHashSkew = skew(pathHash);
        double ringSkew = skew(histogram(ringAfter, GROWN));
        double ringSkewV = skew(histogram(ringAfterV, GROWN));
        double ideal = (double) (GROWN - PARTITIONS) / GROWN;

        return LabResult.builder("partitioning: " + KEYS + " keys on a real broker, 12 partitions grown to 16", "placement", "partitions",
                        "largest/mean", "keys moved", "how")
                .row("hash (murmur2 mod N) of task ids", Integer.toString(PARTITIONS), decimal(hashSkew), "", "measured")
                .row("the same, " + percent(HOT_SHARE) + " of records one hot key", Integer.toString(PARTITIONS), decimal(hotSkew), "", "measured")
                .row("key range by month, photo paths", Integer.toString(PARTITIONS), decimal(rangeSkew), "", "model")
                .row("hash of the same photo paths", Integer.toString(PARTITIONS), decimal(pathHashSkew), "", "computed as Kafka does")
                .row("grown 12 -> 16, hash mod N", Integer.toString(GROWN), decimal(skew(grownSpread)), percent(kafkaMoved), "measured")
                .row("grown 12 -> 16, ring, 1 point per node", Integer.toString(GROWN), decimal(ringSkew), percent(ringMoved), "model")
                .row("grown 12 -> 16, ring, " + VIRTUAL_NODES + " points per node", Integer.toString(GROWN), decimal(ringSkewV), percent(ringMovedV), "model")
                .lesson("Hashing spreads distinct keys evenly (largest partition %s x the mean), but one hot key puts %s of the records in one"
                        + " partition (%s x): a partition is the unit of parallelism, so one consumer does that share alone.", decimal(hashSkew),
                        percent(HOT_SHARE), decimal(hotSkew))
                .lesson("Key ranges keep neighbours together (July's photos: 1 partition to scan, %d under hashing) but follow the data's"
                        + " shape: the busiest month's partition holds %s x the mean.", julyHash.size(), decimal(rangeSkew))
                .lesson("Adding partitions under mod-N moved %s of the keys (ideal: %s), which is why Kafka keys lose their order across a"
                        + " resize; a consistent-hash ring moved %s, and only with virtual nodes is it also even (%s x vs %s x).",
                        percent(kafkaMoved), percent(ideal), percent(ringMovedV), decimal(ringSkewV), decimal(ringSkew))
                .measure("hashSkew", hashSkew).measure("hotKeySkew", hotSkew).measure("rangeSkew", rangeSkew)
                .measure("pathHashSkew", pathHashSkew).measure("modNMoved", kafkaMoved).measure("ringMoved", ringMoved)
                .measure("ringVirtualMoved", ringMovedV).measure("ringSkew", ringSkew).measure("ringVirtualSkew", ringSkewV)
                .measure("julyPartitionsHashed", julyHash.size())
                .build();
    }

    /**
     * Sends one record per key, once the producer sees {@code partitionCount} partitions, and
     * returns, per record, the partition the broker acknowledged it in.
     */
    private static int[] send(String bootstrap, List<String> keys, int partitionCount) throws Exception {
        int[] partitions = new int[keys.size()];
        try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.METADATA_MAX_AGE_CONFIG, 500))) {
            Poll.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> producer.partitionsFor(TOPIC).size() >= partitionCount,
                    "the producer to see " + partitionCount + " partitions of " + TOPIC);
            List<Future<RecordMetadata>> sent = new ArrayList<>(keys.size());
            for (String key : keys) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, key, "x")));
            }
            for (int i = 0; i < sent.size(); i++) {
                partitions[i] = sent.get(i).get(60, TimeUnit.SECONDS).partition();
            }
        }
        return partitions;
    }

    /** The partition Kafka's producer picks for a key (murmur2 of its bytes, made positive, mod N), by the producer's own code. */
    static int kafkaPartition(String key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    private static List<String> photoPaths(Random random) {
        // Weights per month: July, August and December hold most photos.
        double[] weights = {4, 3, 4, 5, 6, 8, 20, 18, 6, 5, 4, 17};
        double total = Arrays.stream(weights).sum();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            double draw = random.nextDouble() * total;
            int month = 0;
            while (draw >= weights[month]) {
                draw -= weights[month];
                month++;
            }
            LocalDate day = LocalDate.of(2024, month + 1, 1 + random.nextInt(28));
            paths.add("photos/" + day + "/IMG_" + i + ".jpg");
        }
        return paths;
    }

    private static int[] histogram(int[] partitions, int count) {
        int[] sizes = new int[count];
        for (int partition : partitions) {
            sizes[partition]++;
        }
        return sizes;
    }

    /** The largest partition over the mean: 1.0 is perfectly even. */
    private static double skew(int[] sizes) {
        double mean = Arrays.stream(sizes).average().orElse(0);
        return mean == 0 ? 0 : Arrays.stream(sizes).max().orElse(0) / mean;
    }

    private static double movedShare(int[] before, int[] after) {
        int moved = 0;
        for (int i = 0; i < before.length; i++) {
            moved += before[i] != after[i] ? 1 : 0;
        }
        return (double) moved / before.length;
    }

    /**
     * A consistent-hash ring (the model): each node owns {@code points} positions on a ring of
     * 2^32, a key belongs to the first node clockwise from its hash. Adding a node takes keys only
     * from its neighbours, so about 1/N of them move instead of most.
     */
    static final class Ring {
        private final TreeMap<Integer, Integer> points = new TreeMap<>();

        Ring(int nodes, int pointsPerNode) {
            for (int node = 0; node < nodes; node++) {
                for (int p = 0; p < pointsPerNode; p++) {
                    points.put(hash("node-" + node + "#" + p), node);
                }
            }
        }

        int owner(String key) {
            Map.Entry<Integer, Integer> next = points.ceilingEntry(hash(key));
            return (next != null ? next : points.firstEntry()).getValue();
        }

        private static int hash(String text) {
            return Utils.murmur2(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
