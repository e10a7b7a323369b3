package io.mosaic.app.lab;

import static io.mosaic.app.lab.LabResult.percent;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Leaderless replication, Dynamo-style: a model, because Kafka always has a leader. N = 3 replicas
 * in this process; a write goes to every replica that is up and is acknowledged once W have it; a
 * read asks R replicas and keeps the newest version. How long a message takes to reach a replica
 * is drawn from produce-to-consume latencies measured first on a real broker, times 1, 3 and 10 for
 * the three replicas (near, farther, farthest). Time in the model runs in units of the measured
 * median delay m: a write every 5 m over 100 keys ({@value #WRITES} of them), a read every m, half
 * of them of the key written last (a reader
 * following a writer); a read is stale when it returns an older version than one already
 * acknowledged before it began. Read repair: the read also asks the replicas it did not wait for
 * and writes the newest version back to those that were behind.
 */
final class LeaderlessExperiment implements Experiment.Trial {

    static final int N = 3;
    static final int KEYS = 100;
    /** How far each replica is: its delays are the measured ones times this (one nearby, one across the room, one in another zone). */
    static final double[] DISTANCE = {1, 3, 10};
    static final int WRITES = 1_000;
    /** Time runs in units of the measured median delay, so the same shares come out on a fast machine and a slow one. */
    static final double WRITE_EVERY = 5;
    static final double READ_EVERY = 1;

    @Override
    public LabResult run(LabRun run) throws Exception {
        List<Double> delays = measureDelays();
        run.say("measured %d produce-to-consume delays on a real broker: median %.2f ms", delays.size(), delays.get(delays.size() / 2));
        LabResult.Builder result = LabResult.builder("leaderless: N = " + N + " replicas (a model), message delays drawn from " + delays.size()
                        + " measured on a real broker (x1, x3, x10 per replica); " + WRITES + " writes, one every 5 median delays, a read"
                        + " every median delay",
                "R", "W", "R + W > N", "stale reads, all up", "writes ok, 1 down", "reads ok, 1 down", "writes ok, 2 down", "reads ok, 2 down");
        double worstQuorumStale = 0;
        double staleOneOne = 0;
        for (int r = 1; r <= N; r++) {
            for (int w = 1; w <= N; w++) {
                Outcome all = new Model(run.seed(), delays, Setup.quorums(r, w, 0)).run();
                Outcome one = new Model(run.seed(), delays, Setup.quorums(r, w, 1)).run();
                Outcome two = new Model(run.seed(), delays, Setup.quorums(r, w, 2)).run();
                boolean quorum = r + w > N;
                result.row(Integer.toString(r), Integer.toString(w), quorum ? "yes" : "no", percent(all.staleShare()),
                        percent(one.writeShare()), percent(one.readShare()), percent(two.writeShare()), percent(two.readShare()));
                result.measure("stale_r" + r + "w" + w, all.staleShare());
                if (quorum) {
                    worstQuorumStale = Math.max(worstQuorumStale, all.staleShare());
                } else if (r == 1 && w == 1) {
                    staleOneOne = all.staleShare();
                }
            }
        }
        // Replica 3 down from 20% to 50% of the run, then back; R = 1, W = 1 (no quorum): how stale is the returning replica?
        Outcome plain = new Model(run.seed(), delays, Setup.returning(false, false)).run();
        Outcome hinted = new Model(run.seed(), delays, Setup.returning(true, false)).run();
        Outcome repaired = new Model(run.seed(), delays, Setup.returning(false, true)).run();
        Outcome both = new Model(run.seed(), delays, Setup.returning(true, true)).run();
        run.say("replica 3 down for 30%% of the run, R = 1, W = 1: stale reads in as long after it returned %d, with hinted handoff %d, with read repair %d,"
                + " with both %d", plain.staleAfterReturn(), hinted.staleAfterReturn(), repaired.staleAfterReturn(), both.staleAfterReturn());
        return result
                .lesson("Every (R, W) with R + W > N read no stale value (worst %s): any R replicas include one of the W that took the"
                        + " latest write. Without that overlap reads went stale (%s at R = W = 1), and the price of the overlap is availability:"
                        + " W = 3 writes nothing with one replica down, R + W > N serves nothing with two down.",
                        percent(worstQuorumStale), percent(staleOneOne))
                .lesson("A replica that was down for 300 writes came back missing them: R = 1, W = 1 then read %d stale values in as long; hinted handoff"
                        + " (others keep its writes and replay them on return) left %d, read repair (a read that sees an old version"
                        + " writes the new one back) %d, both %d.", plain.staleAfterReturn(), hinted.staleAfterReturn(),
                        repaired.staleAfterReturn(), both.staleAfterReturn())
                .measure("worstQuorumStale", worstQuorumStale)
                .measure("staleAfterReturn", plain.staleAfterReturn()).measure("staleAfterReturnHinted", hinted.staleAfterReturn())
                .measure("staleAfterReturnRepaired", repaired.staleAfterReturn())
                .measure("writesOkOneDownW3", new Model(run.seed(), delays, Setup.quorums(1, 3, 1)).run().writeShare())
                .build();
    }

    /** Produce-to-consume delays of 400 records on a real broker, in milliseconds, sorted. */
    private static List<Double> measureDelays() throws Exception {
        List<Double> delays = new ArrayList<>();
        try (EmbeddedKafkaCluster kafka = LabClients.oneBroker(new NewTopic("lab-leaderless-delays", 1, (short) 1))) {
            String bootstrap = kafka.bootstrapServers();
            TopicPartition partition = new TopicPartition("lab-leaderless-delays", 0);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5), new StringDeserializer(), new StringDeserializer());
                 KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
                consumer.assign(List.of(partition));
                consumer.seekToEnd(List.of(partition));
                consumer.position(partition);
                for (int i = 0; i < 400; i++) {
                    producer.send(new ProducerRecord<>(partition.topic(), Long.toString(System.nanoTime())));
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    boolean got = false;
                    while (!got && System.nanoTime() < deadline) {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                            delays.add((System.nanoTime() - Long.parseLong(record.value())) / 1e6);
                            got = true;
                        }
                    }
                }
            }
        }
        Collections.sort(delays);
        return delays;
    }

    /** What one run of the model counted. */
    record Outcome(int reads, int stale, int readsServed, int writes, int writesAcknowledged, int staleAfterReturn) {
        double staleShare() {
            return readsServed == 0 ? 0 : (double) stale / readsServed;
        }

        double writeShare() {
            return writes == 0 ? 0 : (double) writesAcknowledged / writes;
        }

        double readShare() {
            return reads == 0 ? 0 : (double) readsServed / reads;
        }
    }

    /**
     * One run of the model: read and write quorums {@code r} and {@code w}; {@code down} replicas
     * (the last ones) down the whole run, or {@link #RETURNS}; hinted handoff; read repair.
     */
    record Setup(int r, int w, int down, boolean hints, boolean repair) {
        /** The last replica is down from 20% to 50% of the run only. */
        static final int RETURNS = -1;

        static Setup quorums(int r, int w, int down) {
            return new Setup(r, w, down, false, false);
        }

        /** R = 1, W = 1, the last replica down for a while and back, with or without the two repairs. */
        static Setup returning(boolean hints, boolean repair) {
            return new Setup(1, 1, RETURNS, hints, repair);
        }

        boolean returns() {
            return down == RETURNS;
        }
    }

    /**
     * The model. Each replica keeps, per key, the versions it applied and when (a write's arrival
     * time is known when it is sent), so its state at any moment can be asked.
     */
    static final class Model {
        private final Random random;
        private final List<Double> delays;
        private final Setup setup;
        private final List<Map<Integer, TreeMap<Double, Long>>> replicas = new ArrayList<>();
        private final Map<Integer, TreeMap<Double, Long>> acknowledged = new HashMap<>();
        private final double unit;
        private final double end;

        Model(long seed, List<Double> delays, Setup setup) {
            this.random = new Random(seed);
            this.delays = delays;
            this.setup = setup;
            for (int i = 0; i < N; i++) {
                replicas.add(new HashMap<>());
            }
            this.unit = delays.get(delays.size() / 2);
            this.end = WRITES * WRITE_EVERY * unit;
        }

        private boolean up(int replica, double t) {
            if (setup.returns()) {
                return replica != N - 1 || t < 0.2 * end || t >= 0.5 * end;
            }
            return replica < N - setup.down();
        }

        private double delay(int replica) {
            return delays.get(random.nextInt(delays.size())) * DISTANCE[replica];
        }

        private void apply(int replica, int key, double at, long version) {
            replicas.get(replica).computeIfAbsent(key, k -> new TreeMap<>()).merge(at, version, Math::max);
        }

        private long versionAt(int replica, int key, double t) {
            TreeMap<Double, Long> history = replicas.get(replica).get(key);
            if (history == null) {
                return 0;
            }
            // The newest version applied at or before t (versions only grow per key, but arrive out of order).
            return history.headMap(t, true).values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        Outcome run() {
            long version = 0;
            int reads = 0;
            int stale = 0;
            int served = 0;
            int writes = 0;
            int acked = 0;
            int staleAfterReturn = 0;
            double nextWrite = 0;
            double nextRead = 0;
            int lastKey = 0;
            while (Math.min(nextWrite, nextRead) < end) {
                if (nextWrite <= nextRead) {
                    double t = nextWrite;
                    nextWrite += WRITE_EVERY * unit;
                    int key = random.nextInt(KEYS);
                    lastKey = key;
                    long v = ++version;
                    writes++;
                    List<Double> arrivals = new ArrayList<>();
                    for (int i = 0; i < N; i++) {
                        if (up(i, t)) {
                            double at = t + delay(i);
                            apply(i, key, at, v);
                            arrivals.add(at);
                        } else if (setup.hints() && setup.returns()) {
                            // Hinted handoff: another replica keeps the write and hands it over on return.
                            apply(i, key, 0.5 * end + delay(i), v);
                        }
                    }
                    if (arrivals.size() >= setup.w()) {
                        Collections.sort(arrivals);
                        acked++;
                        acknowledged.computeIfAbsent(key, k -> new TreeMap<>()).merge(arrivals.get(setup.w() - 1), v, Math::max);
                    }
                } else {
                    double t = nextRead;
                    nextRead += READ_EVERY * unit;
                    int key = random.nextBoolean() ? lastKey : random.nextInt(KEYS);
                    reads++;
                    List<Integer> candidates = new ArrayList<>();
                    for (int i = 0; i < N; i++) {
                        if (up(i, t)) {
                            candidates.add(i);
                        }
                    }
                    if (candidates.size() < setup.r()) {
                        continue;
                    }
                    Collections.shuffle(candidates, random);
                    List<Integer> asked = candidates.subList(0, setup.r());
                    long newest = 0;
                    Map<Integer, Long> answers = new HashMap<>();
                    for (int replica : asked) {
                        long seen = versionAt(replica, key, t + delay(replica));
                        answers.put(replica, seen);
                        newest = Math.max(newest, seen);
                    }
                    served++;
                    TreeMap<Double, Long> acks = acknowledged.get(key);
                    long latest = acks == null ? 0 : acks.headMap(t, true).values().stream().mapToLong(Long::longValue).max().orElse(0);
                    if (newest < latest) {
                        stale++;
                        if (setup.returns() && t >= 0.5 * end && t < 0.8 * end) {
                            staleAfterReturn++;
                        }
                    }
                    if (setup.repair()) {
                        // The replicas not waited for answer too; every one behind the newest gets it written back.
                        long newestOfAll = newest;
                        for (int replica : candidates.subList(setup.r(), candidates.size())) {
                            long seen = versionAt(replica, key, t + delay(replica));
                            answers.put(replica, seen);
                            newestOfAll = Math.max(newestOfAll, seen);
                        }
                        for (Map.Entry<Integer, Long> answer : answers.entrySet()) {
                            if (answer.getValue() < newestOfAll) {
                                apply(answer.getKey(), key, t + 2 * delay(answer.getKey()), newestOfAll);
                            }
                        }
                    }
                }
            }
            return new Outcome(reads, stale, served, writes, acked, staleAfterReturn);
        }
    }
}
