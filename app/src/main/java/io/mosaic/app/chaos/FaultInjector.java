package io.mosaic.app.chaos;

import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.schemas.Topics;
import io.mosaic.streams.JobAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Injects one planned fault and waits for the pipeline to recover from it, measuring how long
 * recovery took. Faults run one after another, so that each measurement sees one fault only;
 * killed processes are started again, as a supervisor (systemd, Kubernetes) would.
 */
final class FaultInjector {

    /** Longest wait for any one recovery step; far above what a healthy cluster needs. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);
    /** How long the registry-down fault keeps the schema registry dead. */
    static final Duration REGISTRY_DOWN_FOR = Duration.ofSeconds(30);

    /**
     * What faults strike and what they are measured by.
     *
     * @param config how the run's own clients reach the cluster
     * @param fleet the worker and aggregator processes
     * @param kafka the brokers
     * @param registry the schema registry
     * @param groups the Admin view of the consumer groups
     * @param live the topics as the run follows them
     * @param workerThreads analyzer threads per worker process
     * @param maxPollInterval the workers' max.poll.interval.ms: a paused worker is fenced after it
     */
    record Targets(MosaicConfig config, ServiceFleet fleet, EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry, GroupWatch groups,
                   JobRecords live, Topics topics, int workerThreads, Duration maxPollInterval) {
    }

    private final Targets targets;
    private final Callable<String> resubmit;
    private final Recovery recovery;
    private final BrokerFaults brokers;

    FaultInjector(Targets targets, Callable<String> resubmit, Recovery recovery, Consumer<String> log) {
        this.targets = targets;
        this.resubmit = resubmit;
        this.recovery = recovery;
        this.brokers = new BrokerFaults(targets, recovery, log);
    }

    /** Waits for measurements still running in the background. */
    void awaitMeasurements() {
        brokers.awaitMeasurements();
    }

    /** Injects {@code fault} and returns what happened, for the run's log. */
    String inject(FaultPlan.Fault fault) throws Exception {
        return switch (fault.kind()) {
            case KILL_WORKER -> killWorker(pick(targets.fleet().workers(), fault));
            case PAUSE_WORKER -> pauseWorker(pick(targets.fleet().workers(), fault));
            case RESTART_WORKER -> restartWorker(pick(targets.fleet().workers(), fault));
            case KILL_AGGREGATOR -> killAggregator(fault);
            case RESUBMIT -> resubmit();
            case REGISTRY_DOWN -> registryDown(pick(targets.fleet().workers(), fault));
            case KILL_BROKER -> brokers.kill(fault);
            case PAUSE_BROKER -> brokers.pause(fault);
            case TWO_BROKERS_DOWN -> brokers.twoDown(fault);
            case ISOLATE_BROKER -> brokers.isolate(fault);
            case PARTITION_LEADER -> brokers.partitionLeader(fault);
            case SLOW_BROKER -> brokers.slow(fault);
            case PARTITION_CLIENT -> partitionClient(fault);
        };
    }

    private String resubmit() throws Exception {
        long started = System.nanoTime();
        String line = resubmit.call();
        recovery.injected(FaultKind.RESUBMIT, Optional.of(Duration.ofNanos(System.nanoTime() - started)));
        return line;
    }

    private String killWorker(ChildJvm worker) throws Exception {
        Set<String> members = targets.groups().describe(AnalyzerWorker.GROUP_ID).memberIds(clientPrefix(worker));
        long pid = worker.pid();
        long killed = System.nanoTime();
        worker.kill();
        // The coordinator hears nothing more from the dead members and drops them when their session times out.
        Optional<Duration> noticed = await(() -> !targets.groups().describe(AnalyzerWorker.GROUP_ID).containsAny(members), killed);
        noticed.ifPresent(d -> recovery.took(Recovery.Step.WORKER_NOTICED, d));
        Optional<Duration> rebalanced = await(() -> {
            GroupWatch.GroupView view = targets.groups().describe(AnalyzerWorker.GROUP_ID);
            return !view.containsAny(members) && view.stableOwning(targets.topics().imageTasks().name(), targets.topics().imageTasks().partitions());
        }, killed);
        rebalanced.ifPresent(d -> recovery.took(Recovery.Step.WORKER_REBALANCED, d));
        worker.start();
        worker.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> rejoined = awaitWorkersComplete(System.nanoTime());
        recovery.injected(FaultKind.KILL_WORKER, rejoined.map(d -> Duration.ofNanos(System.nanoTime() - killed)));
        return "kill -9 worker " + worker.name() + " (pid " + pid + "): group noticed after " + show(noticed)
                + ", survivors own every partition after " + show(rebalanced) + "; restarted as pid " + worker.pid()
                + ", back in the group after " + show(rejoined);
    }

    private String pauseWorker(ChildJvm worker) throws Exception {
        Set<String> members = targets.groups().describe(AnalyzerWorker.GROUP_ID).memberIds(clientPrefix(worker));
        long paused = System.nanoTime();
        worker.pause();
        Optional<Duration> noticed = await(() -> !targets.groups().describe(AnalyzerWorker.GROUP_ID).containsAny(members), paused);
        noticed.ifPresent(d -> recovery.took(Recovery.Step.PAUSED_WORKER_NOTICED, d));
        await(() -> targets.groups().describe(AnalyzerWorker.GROUP_ID).stableOwning(targets.topics().imageTasks().name(), targets.topics().imageTasks().partitions()), paused);
        // Past max.poll.interval.ms too, so that the process wakes up as a zombie on both counts.
        long pastPollInterval = paused + targets.maxPollInterval().plusSeconds(1).toNanos();
        long wait = pastPollInterval - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
        String logBefore = worker.logSinceStart();
        worker.resume();
        Duration stopped = Duration.ofNanos(System.nanoTime() - paused);
        Optional<Duration> rejoined = awaitWorkersComplete(System.nanoTime());
        recovery.injected(FaultKind.PAUSE_WORKER, rejoined);
        String zombieLog = worker.logSinceStart().substring(logBefore.length());
        String refused = zombieLog.contains("CommitFailedException")
                ? "the coordinator refused its transaction's offsets (no longer a member) and it aborted"
                : zombieLog.contains("fenced") ? "its producer was fenced and it aborted"
                : zombieLog.contains("transaction failed") ? "its transaction failed and it aborted" : "it had no transaction open";
        return "SIGSTOP worker " + worker.name() + " (pid " + worker.pid() + "): group noticed after " + show(noticed)
                + "; SIGCONT after " + Recovery.seconds(stopped) + ", " + refused + "; back in the group after " + show(rejoined);
    }

    /**
     * The registry gone for {@link #REGISTRY_DOWN_FOR}: a worker started meanwhile knows no schema
     * and must wait for it, reading its tasks again, rather than send them to the dead-letter topic.
     */
    private String registryDown(ChildJvm worker) throws Exception {
        EmbeddedSchemaRegistry registry = targets.registry();
        long pid = registry.processHandle().pid();
        long deadLettersBefore = deadLetters();
        long killed = System.nanoTime();
        registry.kill();
        worker.terminate(Duration.ofSeconds(30));
        worker.start();
        long wait = killed + REGISTRY_DOWN_FOR.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
        long waits = worker.logSinceStart().lines().filter(line -> line.contains("is unreachable")).count();
        registry.restart();
        long restarted = System.nanoTime();
        Optional<Duration> whole = awaitWorkersComplete(restarted);
        recovery.injected(FaultKind.REGISTRY_DOWN, whole);
        long deadLettered = deadLetters() - deadLettersBefore;
        return "kill -9 schema registry (pid " + pid + ") and restart worker " + worker.name() + " without it: it found the registry"
                + " unreachable " + waits + " time(s) and waited; " + deadLettered + " task(s) dead-lettered meanwhile; registry back as pid "
                + registry.processHandle().pid() + " after " + Recovery.seconds(Duration.ofNanos(restarted - killed))
                + ", every worker in the group " + show(whole) + " later";
    }

    /**
     * A worker, or the aggregator that owns the job, cut off from every broker and the controller
     * for longer than its session timeout: its group goes on without it, and whatever it tries to
     * commit when the network heals must be refused (the checker counts anything that got through).
     */
    private String partitionClient(FaultPlan.Fault fault) throws Exception {
        List<ChildJvm> candidates = new ArrayList<>(targets.fleet().workers());
        candidates.add(owner().orElse(targets.fleet().aggregators().get(0)));
        ChildJvm client = pick(candidates, fault);
        boolean worker = client.service().equals("worker");
        String group = worker ? AnalyzerWorker.GROUP_ID : JobAggregator.APPLICATION_ID;
        Duration cutFor = (worker ? ServiceFleet.WORKER_SESSION_TIMEOUT : ServiceFleet.AGGREGATOR_SESSION_TIMEOUT).plusSeconds(5);
        IsolatedNetwork network = targets.kafka().network().orElseThrow(() -> new IllegalStateException("partition-client needs an isolated network"));
        IsolatedNetwork.Host host = network.get(client.name());
        List<IsolatedNetwork.Host> nodes = new ArrayList<>();
        targets.kafka().brokerIds().forEach(id -> nodes.add(targets.kafka().brokerHost(id)));
        nodes.add(targets.kafka().controllerHost());
        Set<String> members = targets.groups().describe(group).memberIds(clientPrefix(client));
        long cut = System.nanoTime();
        for (IsolatedNetwork.Host node : nodes) {
            network.cut(host, node);
        }
        boolean unreachable = !network.connects(host, nodes.get(0).address(), EmbeddedKafkaCluster.ISOLATED_BROKER_PORT);
        Optional<Duration> noticed = await(() -> !targets.groups().describe(group).containsAny(members), cut);
        long wait = cut + cutFor.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
        for (IsolatedNetwork.Host node : nodes) {
            network.heal(node);
        }
        network.heal(host);
        long healed = System.nanoTime();
        Optional<Duration> whole = worker ? awaitWorkersComplete(healed) : await(() -> {
            GroupWatch.GroupView view = targets.groups().describe(group);
            return !view.memberIds(clientPrefix(client)).isEmpty()
                    && view.stableOwning(targets.topics().imageResults().name(), targets.topics().imageResults().partitions());
        }, healed);
        recovery.injected(FaultKind.PARTITION_CLIENT, whole);
        return "cut " + client.name() + " (" + host.address() + ") off from every broker and the controller for "
                + Recovery.seconds(Duration.ofNanos(healed - cut)) + ": it could not reach broker 1 " + (unreachable ? "yes" : "NO")
                + "; its group went on without it after " + show(noticed) + "; after the heal, its group whole again " + show(whole) + " later";
    }

    /** The aggregator instance that owns the job's results partition, when the group says. */
    private Optional<ChildJvm> owner() throws InterruptedException {
        String results = targets.topics().imageResults().name();
        Optional<Integer> partition = targets.live().resultPartition();
        GroupWatch.GroupView view = targets.groups().describe(JobAggregator.APPLICATION_ID);
        return partition.flatMap(p -> view.owner(new TopicPartition(results, p)))
                .flatMap(member -> targets.fleet().aggregators().stream().filter(a -> member.clientId().startsWith(clientPrefix(a))).findFirst());
    }

    /** Records in the tasks' dead-letter topic so far. */
    private long deadLetters() throws Exception {
        long sum = 0;
        for (int p = 0; p < targets.topics().imageTasksDlq().partitions(); p++) {
            sum += targets.groups().endOffset(new TopicPartition(targets.topics().imageTasksDlq().name(), p));
        }
        return sum;
    }

    private String restartWorker(ChildJvm worker) throws Exception {
        long pid = worker.pid();
        long terminated = System.nanoTime();
        Duration stopped = worker.terminate(Duration.ofSeconds(30));
        worker.start();
        worker.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> rejoined = awaitWorkersComplete(System.nanoTime());
        recovery.injected(FaultKind.RESTART_WORKER, rejoined.map(d -> Duration.ofNanos(System.nanoTime() - terminated)));
        return "SIGTERM worker " + worker.name() + " (pid " + pid + "): exited after " + Recovery.seconds(stopped)
                + "; restarted as pid " + worker.pid() + ", back in the group after " + show(rejoined);
    }

    private String killAggregator(FaultPlan.Fault fault) throws Exception {
        String results = targets.topics().imageResults().name();
        Optional<Integer> partition = targets.live().resultPartition();
        Optional<ChildJvm> owner = owner();
        ChildJvm victim = owner.orElseGet(() -> pick(targets.fleet().aggregators(), fault));
        // Keyed by job id like the results, so the job's summaries lie in the same partition number.
        int summaryPartition = targets.live().summaryPartition().or(() -> partition).orElse(0);
        boolean workLeft = targets.live().taskRecords() > targets.live().resultRecords() || targets.live().folded() < targets.live().resultRecords();
        long pid = victim.pid();
        long killed = System.nanoTime();
        victim.kill();
        // Read once the victim is dead: whatever lies at or after this offset, another instance wrote.
        long summaryEnd = targets.groups().endOffset(new TopicPartition(targets.topics().jobSummaries().name(), summaryPartition));
        victim.start();
        Optional<Duration> failover = Optional.empty();
        if (workLeft) {
            failover = await(() -> targets.live().firstSummaryFrom(summaryEnd).isPresent(), killed)
                    .map(waited -> Duration.ofNanos(targets.live().firstSummaryFrom(summaryEnd).orElseThrow().receivedNanos() - killed));
            failover.ifPresent(d -> recovery.took(Recovery.Step.AGGREGATOR_FAILOVER, d));
        } else {
            recovery.aggregatorKilledWhileIdle();
        }
        victim.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> stable = await(() -> targets.groups().describe(JobAggregator.APPLICATION_ID)
                .stableOwning(results, targets.topics().imageResults().partitions()), System.nanoTime());
        recovery.injected(FaultKind.KILL_AGGREGATOR, workLeft ? failover : stable.map(d -> Duration.ofNanos(System.nanoTime() - killed)));
        return "kill -9 aggregator " + victim.name() + " (pid " + pid + (owner.isPresent() ? ", owner of the job" : ", owner unknown")
                + "): restarted as pid " + victim.pid() + "; "
                + (workLeft ? "job's summary updated again after " + show(failover) : "the job had nothing left to fold")
                + ", group stable after " + show(stable);
    }

    /** Waits until every worker thread is in a stable group that owns every task partition. */
    private Optional<Duration> awaitWorkersComplete(long since) throws InterruptedException {
        int expected = targets.fleet().workers().size() * targets.workerThreads();
        return await(() -> {
            GroupWatch.GroupView view = targets.groups().describe(AnalyzerWorker.GROUP_ID);
            return view.members().size() == expected && view.stableOwning(targets.topics().imageTasks().name(), targets.topics().imageTasks().partitions());
        }, since);
    }

    private static ChildJvm pick(List<ChildJvm> candidates, FaultPlan.Fault fault) {
        return candidates.get(fault.choose(candidates.size()));
    }

    /**
     * Client ids start with {@code mosaic-<role>-<instance.id>}: {@code mosaic-analyzer-w1-0-w1} for
     * thread 0 of worker w1, {@code mosaic-aggregator-a1-StreamThread-1-consumer} for aggregator a1.
     */
    private static String clientPrefix(ChildJvm child) {
        return child.service().equals("worker")
                ? "mosaic-analyzer-" + child.name() + "-"
                : "mosaic-aggregator-" + child.name() + "-";
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition}; the time from {@code since} until it held, or empty after {@link #STEP_TIMEOUT}. */
    static Optional<Duration> await(Condition condition, long since) throws InterruptedException {
        return await(condition, since, STEP_TIMEOUT);
    }

    /** Polls {@code condition}; the time from {@code since} until it held, or empty after {@code limit}. */
    static Optional<Duration> await(Condition condition, long since, Duration limit) throws InterruptedException {
        return Poll.find(limit, Duration.ofMillis(100), () -> {
            try {
                return condition.holds() ? Optional.of(Duration.ofNanos(System.nanoTime() - since)) : Optional.empty();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // The cluster is still recovering; ask again.
                return Optional.empty();
            }
        });
    }

    static String show(Optional<Duration> d) {
        return d.map(Recovery::seconds).orElse("more than " + STEP_TIMEOUT.toSeconds() + " s");
    }
}
