package io.mosaic.app.chaos;

import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.schemas.Topics;
import io.mosaic.streams.JobAggregator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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

    /**
     * What faults strike and what they are measured by.
     *
     * @param fleet the worker and aggregator processes
     * @param kafka the brokers
     * @param groups the Admin view of the consumer groups
     * @param live the topics as the run follows them
     * @param workerThreads analyzer threads per worker process
     * @param maxPollInterval the workers' max.poll.interval.ms: a paused worker is fenced after it
     */
    record Targets(ServiceFleet fleet, EmbeddedKafkaCluster kafka, GroupWatch groups, JobRecords live, Topics topics,
                   int workerThreads, Duration maxPollInterval) {
    }

    private final Targets targets;
    private final Callable<String> resubmit;
    private final Recovery recovery;
    private final Consumer<String> log;
    /** The last restarted broker catching up; measured in the background while other faults go on. */
    private CompletableFuture<Void> brokerCatchingUp = CompletableFuture.completedFuture(null);

    FaultInjector(Targets targets, Callable<String> resubmit, Recovery recovery, Consumer<String> log) {
        this.targets = targets;
        this.resubmit = resubmit;
        this.recovery = recovery;
        this.log = log;
    }

    /** Waits for measurements still running in the background. */
    void awaitMeasurements() {
        brokerCatchingUp.join();
    }

    /** Injects {@code fault} and returns what happened, for the run's log. */
    String inject(FaultPlan.Fault fault) throws Exception {
        return switch (fault.kind()) {
            case KILL_WORKER -> killWorker(pick(targets.fleet().workers(), fault));
            case PAUSE_WORKER -> pauseWorker(pick(targets.fleet().workers(), fault));
            case RESTART_WORKER -> restartWorker(pick(targets.fleet().workers(), fault));
            case KILL_AGGREGATOR -> killAggregator(fault);
            case KILL_BROKER -> killBroker(fault);
            case RESUBMIT -> resubmit.call();
        };
    }

    private String killWorker(ChildJvm worker) throws Exception {
        Set<String> members = targets.groups().describe(AnalyzerWorker.GROUP_ID).memberIds(clientPrefix(worker));
        long pid = worker.pid();
        long killed = System.nanoTime();
        worker.kill();
        // The coordinator hears nothing more from the dead members and drops them when their session times out.
        Optional<Duration> noticed = await(() -> !targets.groups().describe(AnalyzerWorker.GROUP_ID).containsAny(members), killed);
        noticed.ifPresent(recovery::workerNoticed);
        Optional<Duration> rebalanced = await(() -> {
            GroupWatch.GroupView view = targets.groups().describe(AnalyzerWorker.GROUP_ID);
            return !view.containsAny(members) && view.stableOwning(targets.topics().imageTasks().name(), targets.topics().imageTasks().partitions());
        }, killed);
        rebalanced.ifPresent(recovery::workerRebalanced);
        worker.start();
        worker.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> rejoined = awaitWorkersComplete(System.nanoTime());
        return "kill -9 worker " + worker.name() + " (pid " + pid + "): group noticed after " + show(noticed)
                + ", survivors own every partition after " + show(rebalanced) + "; restarted as pid " + worker.pid()
                + ", back in the group after " + show(rejoined);
    }

    private String pauseWorker(ChildJvm worker) throws Exception {
        Set<String> members = targets.groups().describe(AnalyzerWorker.GROUP_ID).memberIds(clientPrefix(worker));
        long paused = System.nanoTime();
        worker.pause();
        Optional<Duration> noticed = await(() -> !targets.groups().describe(AnalyzerWorker.GROUP_ID).containsAny(members), paused);
        noticed.ifPresent(recovery::pausedNoticed);
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
        String zombieLog = worker.logSinceStart().substring(logBefore.length());
        String refused = zombieLog.contains("CommitFailedException")
                ? "the coordinator refused its transaction's offsets (no longer a member) and it aborted"
                : zombieLog.contains("fenced") ? "its producer was fenced and it aborted"
                : zombieLog.contains("transaction failed") ? "its transaction failed and it aborted" : "it had no transaction open";
        return "SIGSTOP worker " + worker.name() + " (pid " + worker.pid() + "): group noticed after " + show(noticed)
                + "; SIGCONT after " + Recovery.seconds(stopped) + ", " + refused + "; back in the group after " + show(rejoined);
    }

    private String restartWorker(ChildJvm worker) throws Exception {
        long pid = worker.pid();
        Duration stopped = worker.terminate(Duration.ofSeconds(30));
        worker.start();
        worker.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> rejoined = awaitWorkersComplete(System.nanoTime());
        return "SIGTERM worker " + worker.name() + " (pid " + pid + "): exited after " + Recovery.seconds(stopped)
                + "; restarted as pid " + worker.pid() + ", back in the group after " + show(rejoined);
    }

    private String killAggregator(FaultPlan.Fault fault) throws Exception {
        String results = targets.topics().imageResults().name();
        Optional<Integer> partition = targets.live().resultPartition();
        GroupWatch.GroupView view = targets.groups().describe(JobAggregator.APPLICATION_ID);
        Optional<ChildJvm> owner = partition.flatMap(p -> view.owner(new TopicPartition(results, p)))
                .flatMap(member -> targets.fleet().aggregators().stream().filter(a -> member.clientId().startsWith(clientPrefix(a))).findFirst());
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
            failover.ifPresent(recovery::aggregatorFailover);
        } else {
            recovery.aggregatorKilledWhileIdle();
        }
        victim.awaitRunning(ServiceFleet.START_TIMEOUT);
        Optional<Duration> stable = await(() -> targets.groups().describe(JobAggregator.APPLICATION_ID)
                .stableOwning(results, targets.topics().imageResults().partitions()), System.nanoTime());
        return "kill -9 aggregator " + victim.name() + " (pid " + pid + (owner.isPresent() ? ", owner of the job" : ", owner unknown")
                + "): restarted as pid " + victim.pid() + "; "
                + (workLeft ? "job's summary updated again after " + show(failover) : "the job had nothing left to fold")
                + ", group stable after " + show(stable);
    }

    private String killBroker(FaultPlan.Fault fault) throws Exception {
        // Never two brokers down at once: that refuses writes by design (min.insync.replicas=2),
        // which BrokerFaultsIT shows; here the pipeline must keep going.
        brokerCatchingUp.join();
        Optional<Duration> caughtUp = await(targets.groups()::fullyReplicated, System.nanoTime());
        List<Integer> ids = targets.kafka().brokerIds();
        int id = ids.get(fault.choose(ids.size()));
        long pid = targets.kafka().brokerProcess(id).map(ProcessHandle::pid).orElse(-1L);
        long killed = System.nanoTime();
        targets.kafka().killBroker(id);
        // The controller fences a broker whose heartbeats stop (broker.session.timeout.ms) and
        // removes it from every ISR; until then its partitions simply wait.
        Optional<Duration> noticed = await(() -> !targets.groups().fullyReplicated(), killed);
        noticed.ifPresent(recovery::brokerNoticed);
        Thread.sleep(Math.round(fault.pause() * 5_000));
        targets.kafka().restartBroker(id);
        Duration down = Duration.ofNanos(System.nanoTime() - killed);
        long restarted = System.nanoTime();
        // Catching up takes tens of seconds and stops nothing: measure it while the next faults go on.
        brokerCatchingUp = CompletableFuture.runAsync(() -> {
            try {
                Optional<Duration> inSync = await(targets.groups()::fullyReplicated, restarted);
                inSync.ifPresent(recovery::brokerInSync);
                log.accept("  broker " + id + ": every replica in sync " + show(inSync) + " after its restart");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return "kill -9 broker " + id + " (pid " + pid + ")" + (caughtUp.isEmpty() ? " while replicas were still catching up" : "")
                + ": fenced by the controller after " + show(noticed) + "; restarted after " + Recovery.seconds(down) + " as pid "
                + targets.kafka().brokerProcess(id).map(ProcessHandle::pid).orElse(-1L);
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
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return Optional.of(Duration.ofNanos(System.nanoTime() - since));
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // The cluster is still recovering; ask again.
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    private static String show(Optional<Duration> d) {
        return d.map(Recovery::seconds).orElse("more than " + STEP_TIMEOUT.toSeconds() + " s");
    }
}
