package io.mosaic.app.lab;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every experiment of {@code mosaic lab}, in the order {@code mosaic lab list} shows them. */
public final class Lab {

    public static final List<Experiment> EXPERIMENTS = List.of(
            new Experiment("partitioning",
                    "hash vs key-range partitioning, a hot key's skew, keys moved when 12 partitions become 16 (mod-N vs a consistent-hash ring)",
                    new PartitioningExperiment()),
            new Experiment("replication",
                    "RF 3, min ISR 2, acks=all: the leader killed (writes go on), a second broker killed (writes refused), none acknowledged lost",
                    new ReplicationExperiment()),
            new Experiment("cap",
                    "the same writes during a real network partition: CP (acks=all, min ISR 2) refuses some and loses none; AP (acks=1) accepts and loses",
                    new CapExperiment()),
            new Experiment("consistency",
                    "read-your-writes from a lagging view vs by offset, monotonic reads across two views, consistent prefix with and without a shared key",
                    new ConsistencyExperiment()),
            new Experiment("failure-detection",
                    "a group member killed vs paused: time for the group to notice per session timeout, false suspicions, a phi-accrual detector",
                    new FailureDetectionExperiment()),
            new Experiment("exactly-once",
                    "a forced retry with and without idempotence, and a crash mid-batch at least once vs in transactions: duplicates counted",
                    new ExactlyOnceExperiment()),
            new Experiment("clocks",
                    "producers with skewed clocks: event time vs processing time in a windowed count; late events dropped vs kept with a grace period",
                    new ClocksExperiment()),
            new Experiment("littles-law",
                    "arrivals λ, tasks in the system L and time in the system W, measured on the image pipeline: W observed vs L / λ predicted",
                    new LittlesLawExperiment()),
            new Experiment("retries",
                    "a flaky image server: retries at once vs exponential backoff with jitter vs a circuit breaker: requests, successes, failures",
                    new RetriesExperiment()),
            new Experiment("communication",
                    "request-response vs an async queue vs pub-sub to 3 groups: sender rate, latency, and the sender when receivers are down",
                    new CommunicationExperiment()),
            new Experiment("leaderless",
                    "N = 3 replicas without a leader (a model fed measured delays): stale reads and availability for every R and W, read repair, hinted handoff",
                    new LeaderlessExperiment()),
            new Experiment("multi-leader",
                    "two regions taking writes, replicated both ways by MirrorMaker 2: conflicts, last-writer-wins vs a merge, replication lag",
                    new MultiLeaderExperiment()),
            new Experiment("stateless-vs-stateful",
                    "a worker vs an aggregator instance added: time to useful work, state restored from the changelog, failover with and without a standby",
                    new StatelessStatefulExperiment()),
            new Experiment("patterns",
                    "load balancing over a group (a hot key's member), service discovery by the group coordinator and query metadata, bulkheads",
                    new PatternsExperiment()),
            new Experiment("scale",
                    "one process vs several: the latency of one task in process vs through the broker, CPU per image, what one crash takes down",
                    new ScaleExperiment()));

    private Lab() {
    }

    public static Optional<Experiment> find(String name) {
        return EXPERIMENTS.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** "partitioning, replication, ...". */
    public static String names() {
        return EXPERIMENTS.stream().map(Experiment::name).collect(Collectors.joining(", "));
    }
}
