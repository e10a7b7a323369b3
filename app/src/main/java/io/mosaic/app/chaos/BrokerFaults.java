package io.mosaic.app.chaos;

import static io.mosaic.app.chaos.FaultInjector.await;
import static io.mosaic.app.chaos.FaultInjector.show;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.net.IsolatedNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Faults of the brokers and of the network between them: a broker killed, paused, cut off from
 * everyone, its link slowed, two of three killed at once, and the leader of the job's results
 * partition cut off from its followers and the controller while clients still reach it (the
 * zombie leader). Each ends (restart, SIGCONT, heal) and then measures, in the background while
 * the next faults go on, how long until every replica of every partition is in sync again.
 */
final class BrokerFaults {

    /** Longer than the brokers' session with the controller and their replica lag time ({@link ChaosRun#BROKER_PROPERTIES}). */
    static final Duration PAUSE = Duration.ofSeconds(14);
    /** Several times the brokers' session with the controller and their replica lag time: a paused broker is out of sync by then. */
    static final Duration NOTICE_LIMIT = Duration.ofSeconds(45);
    /** How long a broker stays cut off or slowed: past its session with the controller. */
    static final Duration CUT = Duration.ofSeconds(12);
    static final String SLOW_RATE = "1mbit";

    private final FaultInjector.Targets targets;
    private final Recovery recovery;
    private final Consumer<String> log;
    /** The last broker fault's replicas catching up; the next broker fault waits for it. */
    private CompletableFuture<Void> catchingUp = CompletableFuture.completedFuture(null);

    BrokerFaults(FaultInjector.Targets targets, Recovery recovery, Consumer<String> log) {
        this.targets = targets;
        this.recovery = recovery;
        this.log = log;
    }

    void awaitMeasurements() {
        catchingUp.join();
    }

    String kill(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        EmbeddedKafkaCluster kafka = targets.kafka();
        int id = victim(fault);
        long pid = pid(id);
        long killed = System.nanoTime();
        kafka.killBroker(id);
        // The controller fences a broker whose heartbeats stop (broker.session.timeout.ms) and
        // removes it from every ISR; until then its partitions simply wait.
        Optional<Duration> noticed = await(() -> !targets.groups().fullyReplicated(), killed);
        noticed.ifPresent(d -> recovery.took(Recovery.Step.BROKER_NOTICED, d));
        Thread.sleep(Math.round(fault.pause() * 5_000));
        kafka.restartBroker(id);
        Duration down = Duration.ofNanos(System.nanoTime() - killed);
        measureInSync(fault, "broker " + id + " restarted");
        return "kill -9 broker " + id + " (pid " + pid + ")" + before + ": fenced by the controller after " + show(noticed)
                + "; restarted after " + Recovery.seconds(down) + " as pid " + pid(id);
    }

    String pause(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        int id = victim(fault);
        long paused = System.nanoTime();
        targets.kafka().pauseBroker(id);
        String state = processState(pid(id));
        // Paused for PAUSE at least, and for as long as the others take to drop it from the
        // replicas in sync, up to NOTICE_LIMIT: a pause is a fault of a bounded length, not a
        // broker stopped for good.
        Optional<Duration> noticed = await(() -> !targets.groups().fullyReplicated(), paused, NOTICE_LIMIT);
        noticed.ifPresent(d -> recovery.took(Recovery.Step.BROKER_NOTICED, d));
        sleepUntil(paused + PAUSE.toNanos());
        targets.kafka().resumeBroker(id);
        measureInSync(fault, "broker " + id + " resumed");
        return "SIGSTOP broker " + id + " (pid " + pid(id) + ", then in state " + state + ")" + before + ": out of sync after "
                + noticed.map(Recovery::seconds).orElse("more than " + NOTICE_LIMIT.toSeconds() + " s (not noticed)")
                + "; SIGCONT after " + Recovery.seconds(Duration.ofNanos(System.nanoTime() - paused));
    }

    String twoDown(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        EmbeddedKafkaCluster kafka = targets.kafka();
        List<Integer> ids = new ArrayList<>(kafka.brokerIds());
        int survivor = ids.remove(fault.choose(ids.size()));
        long killed = System.nanoTime();
        for (int id : ids) {
            kafka.killBroker(id);
        }
        // One replica left, below min.insync.replicas=2: an acks=all write must be refused, not acknowledged.
        String probe = probeWrite();
        Thread.sleep(Math.round(2_000 + fault.pause() * 6_000));
        for (int id : ids) {
            kafka.restartBroker(id);
        }
        Duration down = Duration.ofNanos(System.nanoTime() - killed);
        measureInSync(fault, "brokers " + ids + " restarted");
        return "kill -9 brokers " + ids + before + ", broker " + survivor + " left alone: a probe write with acks=all " + probe
                + "; both restarted after " + Recovery.seconds(down);
    }

    String isolate(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        Victim victim = victimHost(fault);
        IsolatedNetwork.Host host = victim.host();
        long cut = System.nanoTime();
        network().isolate(host);
        boolean unreachable = !reachable(host);
        Optional<Duration> noticed = await(() -> !targets.groups().fullyReplicated(), cut);
        noticed.ifPresent(d -> recovery.took(Recovery.Step.BROKER_NOTICED, d));
        sleepUntil(cut + CUT.toNanos());
        network().heal(host);
        measureInSync(fault, "broker " + victim.id() + " healed");
        return "isolate broker " + victim.id() + " (" + host.address() + ", namespace " + host.namespace() + ")" + before
                + ": unreachable from the clients' side " + (unreachable ? "yes" : "NO") + "; out of sync after " + show(noticed)
                + "; healed after " + Recovery.seconds(Duration.ofNanos(System.nanoTime() - cut));
    }

    String partitionLeader(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        IsolatedNetwork network = network();
        EmbeddedKafkaCluster kafka = targets.kafka();
        TopicPartition results = new TopicPartition(targets.topics().imageResults().name(), targets.live().resultPartition().orElse(0));
        int leader = targets.groups().leader(results).orElseGet(() -> victim(fault));
        List<Integer> followers = kafka.brokerIds().stream().filter(id -> id != leader).toList();
        IsolatedNetwork.Host zombie = kafka.brokerHost(leader);
        long cut = System.nanoTime();
        for (int follower : followers) {
            network.cut(zombie, kafka.brokerHost(follower));
        }
        network.cut(zombie, kafka.controllerHost());
        boolean reachable = reachable(zombie);
        // Asked of the followers only, by a new client each time: the zombie still names itself
        // leader, and a client that knows it might ask it.
        MosaicConfig followersOnly = targets.config().with(KafkaSettings.BOOTSTRAP_SERVERS, followers.stream()
                .map(id -> kafka.brokerHost(id).address() + ":" + EmbeddedKafkaCluster.ISOLATED_BROKER_PORT).collect(Collectors.joining(",")));
        Optional<Duration> newLeader = await(() -> {
            try (GroupWatch followersView = new GroupWatch(followersOnly, "chaos-followers")) {
                return followersView.leader(results).filter(followers::contains).isPresent();
            }
        }, cut);
        newLeader.ifPresent(d -> recovery.took(Recovery.Step.LEADER_MOVED, d));
        // The zombie stays cut off a little longer, so that clients meet the new leader while it lives.
        sleepUntil(Math.max(cut + CUT.toNanos(), System.nanoTime() + Duration.ofSeconds(3).toNanos()));
        network.heal(zombie);
        for (int follower : followers) {
            network.heal(kafka.brokerHost(follower));
        }
        network.heal(kafka.controllerHost());
        measureInSync(fault, "broker " + leader + " healed");
        return "cut broker " + leader + ", leader of " + results + before + ", off from brokers " + followers
                + " and the controller: still reachable by clients " + (reachable ? "yes" : "NO") + "; a follower leads after "
                + show(newLeader) + "; healed after " + Recovery.seconds(Duration.ofNanos(System.nanoTime() - cut));
    }

    String slow(FaultPlan.Fault fault) throws Exception {
        String before = beforeFault();
        Victim victim = victimHost(fault);
        long limited = System.nanoTime();
        network().limit(victim.host(), SLOW_RATE);
        sleepUntil(limited + CUT.toNanos());
        network().unlimit(victim.host());
        measureInSync(fault, "broker " + victim.id() + " at full speed again");
        return "limit broker " + victim.id() + "'s link to " + SLOW_RATE + before + " for " + Recovery.seconds(Duration.ofNanos(System.nanoTime() - limited));
    }

    /** Waits for the previous broker fault's catching up, and for every replica in sync; says if they were not. */
    private String beforeFault() throws InterruptedException {
        catchingUp.join();
        Optional<Duration> inSync = await(targets.groups()::fullyReplicated, System.nanoTime());
        return inSync.isEmpty() ? " (while replicas were still catching up)" : "";
    }

    /** Records the fault's recovery once every replica is in sync again, measured in the background. */
    private void measureInSync(FaultPlan.Fault fault, String what) {
        long ended = System.nanoTime();
        catchingUp = CompletableFuture.runAsync(() -> {
            try {
                Optional<Duration> inSync = await(targets.groups()::fullyReplicated, ended);
                inSync.ifPresent(d -> recovery.took(Recovery.Step.BROKER_IN_SYNC, d));
                recovery.injected(fault.kind(), inSync);
                log.accept("  " + what + ": every replica in sync " + show(inSync) + " after");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** A broker a network fault hits, and its host in the isolated network. */
    private record Victim(int id, IsolatedNetwork.Host host) {
    }

    private Victim victimHost(FaultPlan.Fault fault) {
        int id = victim(fault);
        return new Victim(id, targets.kafka().brokerHost(id));
    }

    private int victim(FaultPlan.Fault fault) {
        List<Integer> ids = targets.kafka().brokerIds();
        return ids.get(fault.choose(ids.size()));
    }

    /** The process's state as the kernel reports it ({@code T}: stopped by a signal), or "?" where it cannot be read. */
    private static String processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private long pid(int id) {
        return targets.kafka().brokerProcess(id).map(ProcessHandle::pid).orElse(-1L);
    }

    private IsolatedNetwork network() {
        return targets.kafka().network().orElseThrow(() -> new IllegalStateException("network faults need the brokers isolated"));
    }

    /** One acks=all write to the probe topic (3 replicas, min.insync.replicas=2): "was refused (...)" or "was ACKNOWLEDGED". */
    private String probeWrite() {
        MosaicConfig config = targets.config();
        Map<String, Object> props = KafkaClients.base(config, "chaos-probe");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 6_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(ChaosRun.PROBE_TOPIC, new byte[] {1})).get(10, TimeUnit.SECONDS);
            recovery.probeAcknowledged();
            return "was ACKNOWLEDGED";
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            recovery.probeRefused();
            return "was refused (" + cause.getClass().getSimpleName() + ")";
        }
    }

    /** Whether this JVM, on the clients' side of the bridge, can open a connection to {@code host}'s listener. */
    private static boolean reachable(IsolatedNetwork.Host host) {
        return IsolatedNetwork.connectsFromHere(host.address(), EmbeddedKafkaCluster.ISOLATED_BROKER_PORT);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
