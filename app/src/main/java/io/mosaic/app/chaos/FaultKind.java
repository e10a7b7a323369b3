package io.mosaic.app.chaos;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The faults a chaos run injects; each is something that happens to real deployments. */
public enum FaultKind {

    /** SIGKILL a worker mid-transaction; restart it once its group has noticed. */
    KILL_WORKER("kill-worker", "kill -9 a worker", false),
    /** SIGKILL the aggregator instance that owns the job's partition; restart it at once. */
    KILL_AGGREGATOR("kill-aggregator", "kill -9 the aggregator that owns the job", false),
    /** SIGSTOP a worker past max.poll.interval.ms, so it is fenced as a zombie, then SIGCONT. */
    PAUSE_WORKER("pause-worker", "SIGSTOP a worker past max.poll.interval.ms, then SIGCONT", false),
    /** SIGKILL one broker, then start it again on its old data. */
    KILL_BROKER("kill-broker", "kill -9 a broker, then restart it", false),
    /** Publish the whole job again: same job id, same task ids. */
    RESUBMIT("resubmit", "submit the whole job again", false),
    /** SIGTERM a worker, wait for its clean exit, start it again. */
    RESTART_WORKER("restart-worker", "restart a worker gracefully (SIGTERM)", false),
    /** SIGSTOP a broker past replica.lag.time.max.ms and its session with the controller, then SIGCONT. */
    PAUSE_BROKER("pause-broker", "SIGSTOP a broker past its session and replica lag time, then SIGCONT", false),
    /** SIGKILL two of the three brokers: below min.insync.replicas, writes are refused until they return. */
    TWO_BROKERS_DOWN("two-brokers-down", "kill -9 two of the three brokers, then restart them", false),
    /** SIGKILL the schema registry; restart a worker meanwhile, which must wait for it; start the registry again. */
    REGISTRY_DOWN("registry-down", "kill -9 the schema registry for 30 s, restarting a worker meanwhile", false),
    /** Cut one broker off from everyone (other brokers, the controller, every client), then heal. */
    ISOLATE_BROKER("isolate-broker", "cut one broker off from everyone, then heal the network", true),
    /** Cut the leader of the job's results partition off from its followers and the controller; clients still reach it. */
    PARTITION_LEADER("partition-leader", "cut the results leader off from its followers and the controller, then heal", true),
    /** Cut a worker, or the aggregator that owns the job, off from every broker past its session timeout, then heal. */
    PARTITION_CLIENT("partition-client", "cut a worker or the aggregator that owns the job off from the brokers past its session timeout, then heal", true),
    /** Rate-limit one broker's link (tbf, both ways) for a while. */
    SLOW_BROKER("slow-broker", "limit one broker's link to 1 Mbit/s, then lift the limit", true);

    /** The kinds of the first chaos runs: faults of processes, which any machine can inject. */
    public static final Set<FaultKind> PROCESS_FAULTS =
            EnumSet.of(KILL_WORKER, KILL_AGGREGATOR, PAUSE_WORKER, KILL_BROKER, RESUBMIT, RESTART_WORKER);

    private final String label;
    private final String description;
    private final boolean network;

    FaultKind(String label, String description, boolean network) {
        this.label = label;
        this.description = description;
        this.network = network;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Whether the fault cuts or slows the network, which needs brokers in namespaces of their own. */
    public boolean network() {
        return network;
    }

    /** The kind labelled {@code label}, e.g. {@code kill-worker}. */
    public static Optional<FaultKind> labelled(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    /** Every label, comma-separated, for help and errors. */
    public static String labels() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }

    /** {@code kinds} in declaration order, so that a seed draws the same plan whatever order they were named in. */
    public static List<FaultKind> ordered(Set<FaultKind> kinds) {
        return List.copyOf(kinds.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(kinds));
    }
}
