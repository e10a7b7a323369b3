package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Replication and quorums on three real brokers (child processes, killed with SIGKILL): one
 * partition with three replicas and min.insync.replicas=2, written with acks=all at a steady
 * rate. The leader is killed: a replica in sync takes over and writes go on. Then the new leader
 * is killed too: one replica is left, fewer than min.insync.replicas, and writes are refused
 * instead of acknowledged by a single copy. Both come back; every acknowledged write is read back.
 */
final class ReplicationExperiment implements Experiment.Trial {

    static final String TOPIC = "lab-replication";
    static final Duration PHASE = Duration.ofSeconds(12);
    static final Duration WRITE_EVERY = Duration.ofMillis(100);
    /** Brokers drop a silent peer after 6 s instead of 9 (session) and 30 (replica lag), so each phase shows its effect within seconds. */
    static final Map<String, Object> BROKER_SETTINGS = Map.of("broker.session.timeout.ms", 6_000, "broker.heartbeat.interval.ms", 1_000,
            "replica.lag.time.max.ms", 6_000);
    private static final String[] PHASES = {"all 3 brokers up", "leader killed", "second leader killed, 1 left"};

    @Override
    public LabResult run(LabRun run) throws Exception {
        EmbeddedKafkaCluster.Builder builder = EmbeddedKafkaCluster.builder().brokers(3).childProcesses(true).childHeap("384m");
        BROKER_SETTINGS.forEach(builder::brokerProperty);
        try (EmbeddedKafkaCluster kafka = builder.build()) {
            kafka.start();
            String bootstrap = kafka.bootstrapServers();
            LabClients.createTopics(bootstrap, new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")));
            int first = awaitLeader(bootstrap, Set.of()).orElseThrow();
            run.say("3 brokers up; %s has 3 replicas, min.insync.replicas=2; broker %d leads", TOPIC, first);

            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicIntegerArray sent = new AtomicIntegerArray(PHASES.length);
            AtomicIntegerArray acked = new AtomicIntegerArray(PHASES.length);
            AtomicIntegerArray refused = new AtomicIntegerArray(PHASES.length);
            long[] longestWait = new long[PHASES.length];
            int second;
            try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                    // Long enough to ride out a failover, short enough that a refused write is reported within the phase.
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.METADATA_MAX_AGE_CONFIG, 2_000))) {
                for (int phase = 0; phase < PHASES.length; phase++) {
                    if (phase == 1) {
                        kafka.killBroker(first);
                        run.say("kill -9 broker %d, the leader", first);
                    }
                    if (phase == 2) {
                        second = awaitLeader(bootstrap, Set.of(first)).orElseThrow(() -> new IllegalStateException("no new leader"));
                        kafka.killBroker(second);
                        run.say("kill -9 broker %d, the new leader: one replica left, min.insync.replicas=2", second);
                    }
                    long until = System.nanoTime() + PHASE.toNanos();
                    while (System.nanoTime() < until) {
                        int p = phase;
                        String value = "write-" + p + "-" + sent.getAndIncrement(p);
                        long at = System.nanoTime();
                        producer.send(new ProducerRecord<>(TOPIC, "k", value), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.add(value);
                                acked.incrementAndGet(p);
                                synchronized (longestWait) {
                                    longestWait[p] = Math.max(longestWait[p], System.nanoTime() - at);
                                }
                            } else {
                                refused.incrementAndGet(p);
                            }
                        });
                        Thread.sleep(WRITE_EVERY.toMillis());
                    }
                }
                producer.flush();
            }
            for (int id : kafka.brokerIds()) {
                if (kafka.brokerProcess(id).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                kafka.restartBroker(id);
            }
            run.say("restarted the killed brokers; waiting until every replica is in sync");
            awaitInSync(bootstrap);
            Set<String> stored = new HashSet<>();
            LabClients.readAll(bootstrap, TOPIC, "read_uncommitted").forEach(r -> stored.add(r.value()));
            long lost;
            synchronized (acknowledged) {
                lost = acknowledged.stream().filter(v -> !stored.contains(v)).count();
            }

            LabResult.Builder result = LabResult.builder("replication: 3 replicas, min.insync.replicas=2, acks=all, a write every "
                    + WRITE_EVERY.toMillis() + " ms for " + PHASE.toSeconds() + " s per phase", "phase", "writes", "acknowledged", "refused",
                    "longest wait for an ack");
            for (int p = 0; p < PHASES.length; p++) {
                result.row(PHASES[p], Integer.toString(sent.get(p)), Integer.toString(acked.get(p)), Integer.toString(refused.get(p)),
                        acked.get(p) == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f s", longestWait[p] / 1e9));
                result.measure("acknowledged" + p, acked.get(p)).measure("refused" + p, refused.get(p));
            }
            return result.row("read back after both returned", "", Integer.toString(stored.size()), "", "lost: " + lost)
                    .measure("lost", lost)
                    .lesson("With the leader gone, a replica that was in sync took over: writes waited while the controller noticed, then"
                            + " went on (%d acknowledged); with one replica left, below min.insync.replicas, %d were refused, not"
                            + " acknowledged by a single copy, and none acknowledged was lost (%d).", acked.get(1), refused.get(2), lost)
                    .lesson("Quorums: N = 3 copies; a write is acknowledged once every replica in sync has it, never fewer than W = 2;"
                            + " reads go to the leader, which has every acknowledged write. A Dynamo-style majority (W = 2, R = 2)"
                            + " gives W + R = 4 > N = 3: every read meets the latest write.")
                    .build();
        }
    }

    /** The partition's leader once it is one of the brokers not in {@code gone}. */
    private static Optional<Integer> awaitLeader(String bootstrap, Set<Integer> gone) throws Exception {
        return Poll.find(Duration.ofSeconds(60), Duration.ofMillis(200), () -> describe(bootstrap)
                .map(TopicPartitionInfo::leader)
                .filter(leader -> !leader.isEmpty() && !gone.contains(leader.id()))
                .map(Node::id));
    }

    private static void awaitInSync(String bootstrap) throws Exception {
        Poll.until(Duration.ofSeconds(90), Duration.ofMillis(500),
                () -> describe(bootstrap).map(p -> p.isr().stream().map(Node::id).distinct().count() == 3).orElse(false),
                "the replicas of " + TOPIC + " to be all in sync after the restart");
    }

    private static Optional<TopicPartitionInfo> describe(String bootstrap) {
        try (Admin admin = LabClients.admin(bootstrap)) {
            return Optional.of(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC).partitions().get(0));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
