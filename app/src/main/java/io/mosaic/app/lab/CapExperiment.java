package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.net.IsolatedNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;

/**
 * CAP with a real network partition: three brokers, each in a network namespace of its own; the
 * leader of two topics is cut off from its followers and the controller while the writers still
 * reach it (the zombie leader). The same writes go to a CP topic (acks=all, min.insync.replicas=2,
 * no unclean election) and an AP topic (acks=1, min.insync.replicas=1, unclean election on).
 * During the partition the CP writes the zombie cannot replicate are refused, and the AP writes it
 * accepts alone are lost when it rejoins and truncates its log to the new leader's.
 */
final class CapExperiment implements Experiment.Trial {

    static final Duration PARTITION = Duration.ofSeconds(30);
    static final Duration WRITE_EVERY = Duration.ofMillis(100);
    private static final String CP = "lab-cap-cp";
    private static final String AP = "lab-cap-ap";

    @Override
    public LabResult run(LabRun run) throws Exception {
        IsolatedNetwork.unavailable().ifPresent(reason -> {
            throw new IllegalStateException("cap cuts the network between brokers, which this machine cannot do: " + reason);
        });
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).isolated(true).childHeap("384m").build()) {
            kafka.start();
            IsolatedNetwork network = kafka.network().orElseThrow();
            String bootstrap = kafka.bootstrapServers();
            List<Integer> brokers = kafka.brokerIds();
            int leader = brokers.get(0);
            // One replica list for both topics, so that one cut makes the same broker a zombie for both.
            Map<Integer, List<Integer>> assignment = Map.of(0, brokers);
            LabClients.createTopics(bootstrap,
                    new NewTopic(CP, assignment).configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2",
                            TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")),
                    new NewTopic(AP, assignment).configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1",
                            TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")));
            awaitAgreed(kafka, leader);
            run.say("3 brokers up, each in its own network namespace; broker %d leads %s and %s", leader, CP, AP);

            Writer cp = new Writer(CP, LabClients.producer(bootstrap, producerSettings("all", true)));
            Writer ap = new Writer(AP, LabClients.producer(bootstrap, producerSettings("1", false)));
            try (cp; ap) {
                cp.write();
                ap.write();
                IsolatedNetwork.Host zombie = kafka.brokerHost(leader);
                for (int follower : brokers.subList(1, brokers.size())) {
                    network.cut(zombie, kafka.brokerHost(follower));
                }
                network.cut(zombie, kafka.controllerHost());
                run.say("cut broker %d off from the other brokers and the controller; clients still reach it; writing for %d s",
                        leader, PARTITION.toSeconds());
                long until = System.nanoTime() + PARTITION.toNanos();
                while (System.nanoTime() < until) {
                    cp.write();
                    ap.write();
                    Thread.sleep(WRITE_EVERY.toMillis());
                }
                cp.flush();
                ap.flush();
                network.healAll();
                run.say("healed; waiting for broker %d to rejoin", leader);
                awaitAgreed(kafka, -1);
            }
            Set<String> cpStored = values(bootstrap, CP);
            Set<String> apStored = values(bootstrap, AP);
            int cpLost = cp.lostFrom(cpStored);
            int apLost = ap.lostFrom(apStored);
            return LabResult.builder("cap: " + cp.attempts() + " writes to each topic, " + PARTITION.toSeconds()
                                    + " s of them while the leader was cut off (a real partition, nftables between namespaces)",
                            "topic", "settings", "accepted", "refused", "lost")
                    .row("CP", "acks=all, min ISR 2, no unclean election", Integer.toString(cp.accepted()), Integer.toString(cp.refused()),
                            Integer.toString(cpLost))
                    .row("AP", "acks=1, min ISR 1, unclean election", Integer.toString(ap.accepted()), Integer.toString(ap.refused()),
                            Integer.toString(apLost))
                    .lesson("Consistency: the CP topic refused %d writes while its leader could not reach a quorum of replicas and lost"
                            + " none it had accepted.", cp.refused())
                    .lesson("Availability: the AP topic accepted %d of %d, and %d of those, acknowledged by the cut-off leader alone, were"
                            + " gone after it rejoined. During a partition a system chooses: refuse, or accept and maybe lose.",
                            ap.accepted(), ap.attempts(), apLost)
                    .measure("cpAccepted", cp.accepted()).measure("cpRefused", cp.refused()).measure("cpLost", cpLost)
                    .measure("apAccepted", ap.accepted()).measure("apRefused", ap.refused()).measure("apLost", apLost)
                    .build();
        }
    }

    private static Map<String, Object> producerSettings(String acks, boolean idempotent) {
        return Map.of(ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                // A write not acknowledged within 6 s counts as refused: the writer would tell its user so.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6_000,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // Finds the new leader soon after the election, as a long-running producer eventually does.
                ProducerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
    }

    /**
     * Waits until every broker's own view of both topics agrees, with all three replicas in sync
     * (and, when {@code leader} is not -1, that broker leading): a healed zombie answers from its
     * stale cache until the controller reaches it.
     */
    private static void awaitAgreed(EmbeddedKafkaCluster kafka, int leader) throws Exception {
        Poll.until(Duration.ofSeconds(120), Duration.ofMillis(500), () -> agreed(kafka, leader),
                "the brokers to agree on " + CP + " and " + AP + " with all replicas in sync");
    }

    /** Whether every broker's own view of both topics is the same, all replicas in sync (and {@code leader} leading, unless -1). */
    private static boolean agreed(EmbeddedKafkaCluster kafka, int leader) throws InterruptedException {
        Set<String> views = new HashSet<>();
        boolean inSync = true;
        for (int id : kafka.brokerIds()) {
            try (Admin admin = LabClients.admin(kafka.brokerHost(id).address() + ":" + EmbeddedKafkaCluster.ISOLATED_BROKER_PORT)) {
                for (TopicDescription topic : admin.describeTopics(List.of(CP, AP)).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    TopicPartitionInfo p = topic.partitions().get(0);
                    inSync &= p.isr().size() == 3 && p.leader() != null && (leader == -1 || p.leader().id() == leader);
                    views.add(topic.name() + " " + (p.leader() == null ? -1 : p.leader().id()) + " "
                            + p.isr().stream().map(Node::id).sorted().toList());
                }
            } catch (ExecutionException | TimeoutException e) {
                // A broker that is still catching up may not know a topic yet, or answer late: ask again.
                inSync = false;
            }
        }
        return inSync && views.size() == 2;
    }

    private static Set<String> values(String bootstrap, String topic) {
        return LabClients.readAll(bootstrap, topic, "read_uncommitted").stream().map(r -> r.value()).collect(Collectors.toSet());
    }

    /** Writes numbered values to one topic and keeps which were acknowledged and which refused. */
    private static final class Writer implements AutoCloseable {
        private final String topic;
        private final KafkaProducer<String, String> producer;
        private final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger refused = new AtomicInteger();
        private int attempts;

        Writer(String topic, KafkaProducer<String, String> producer) {
            this.topic = topic;
            this.producer = producer;
        }

        void write() {
            String value = topic + "-" + attempts++;
            producer.send(new ProducerRecord<>(topic, "k", value), (metadata, error) -> {
                if (error == null) {
                    acknowledged.add(value);
                } else {
                    refused.incrementAndGet();
                }
            });
        }

        void flush() {
            producer.flush();
        }

        int attempts() {
            return attempts;
        }

        int accepted() {
            return acknowledged.size();
        }

        int refused() {
            return refused.get();
        }

        int lostFrom(Set<String> stored) {
            synchronized (acknowledged) {
                return (int) acknowledged.stream().filter(v -> !stored.contains(v)).count();
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
