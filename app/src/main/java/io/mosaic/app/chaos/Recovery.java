package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Recovery times measured during a chaos run, one entry per fault that allowed a measurement. */
final class Recovery {

    private final int standbyReplicas;
    private final List<Duration> workerNoticed = new ArrayList<>();
    private final List<Duration> workerRebalanced = new ArrayList<>();
    private final List<Duration> pausedNoticed = new ArrayList<>();
    private final List<Duration> aggregatorFailover = new ArrayList<>();
    private final List<Duration> brokerNoticed = new ArrayList<>();
    private final List<Duration> brokerInSync = new ArrayList<>();
    private final List<Duration> leaderMoved = new ArrayList<>();
    private final List<FaultRecord> faults = new ArrayList<>();
    private int aggregatorKillsWhileIdle;
    private int probesRefused;
    private int probesAcknowledged;

    Recovery(int standbyReplicas) {
        this.standbyReplicas = standbyReplicas;
    }

    /** SIGKILL of a worker to its members leaving the group: the session timeout at work. */
    synchronized void workerNoticed(Duration d) {
        workerNoticed.add(d);
    }

    /** SIGKILL of a worker to a stable group whose survivors own every partition. */
    synchronized void workerRebalanced(Duration d) {
        workerRebalanced.add(d);
    }

    /** SIGSTOP of a worker to its members leaving the group: heartbeats stopped with the process. */
    synchronized void pausedNoticed(Duration d) {
        pausedNoticed.add(d);
    }

    /** SIGKILL of the aggregator owning the job to the next summary of the job written by another. */
    synchronized void aggregatorFailover(Duration d) {
        aggregatorFailover.add(d);
    }

    /** The aggregator was killed when the job had nothing left to fold, so its summary had no reason to change. */
    synchronized void aggregatorKilledWhileIdle() {
        aggregatorKillsWhileIdle++;
    }

    /** SIGKILL of a broker to the controller fencing it, which drops its replicas from every ISR. */
    synchronized void brokerNoticed(Duration d) {
        brokerNoticed.add(d);
    }

    /** Restart of a killed broker to every replica of every partition back in sync. */
    synchronized void brokerInSync(Duration d) {
        brokerInSync.add(d);
    }

    /** A cut-off leader to a follower leading its partition, as the followers see it. */
    synchronized void leaderMoved(Duration d) {
        leaderMoved.add(d);
    }

    /** An acks=all write with two brokers down was refused, as min.insync.replicas=2 demands. */
    synchronized void probeRefused() {
        probesRefused++;
    }

    /** An acks=all write with two brokers down was acknowledged: what min.insync.replicas=2 must prevent. */
    synchronized void probeAcknowledged() {
        probesAcknowledged++;
    }

    synchronized int probesAcknowledged() {
        return probesAcknowledged;
    }

    /** Fault {@code kind} was injected; {@code recovery} is how long the pipeline took to be whole again. */
    synchronized void injected(FaultKind kind, Optional<Duration> recovery) {
        faults.add(new FaultRecord(kind, recovery));
    }

    synchronized List<FaultRecord> faults() {
        return List.copyOf(faults);
    }

    /** The recovery part of the result line. */
    synchronized String describe() {
        return "workerNoticed=" + list(workerNoticed)
                + " workerRebalanced=" + list(workerRebalanced)
                + " pausedWorkerNoticed=" + list(pausedNoticed)
                + " aggregatorFailover=" + list(aggregatorFailover) + "(standby=" + standbyReplicas
                + (aggregatorKillsWhileIdle > 0 ? ",idle=" + aggregatorKillsWhileIdle : "") + ")"
                + " brokerNoticed=" + list(brokerNoticed)
                + " brokerInSync=" + list(brokerInSync)
                + (leaderMoved.isEmpty() ? "" : " leaderMoved=" + list(leaderMoved))
                + (probesRefused + probesAcknowledged == 0 ? "" : " probeWrites=" + probesRefused + "refused/" + probesAcknowledged + "acknowledged");
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String list(List<Duration> durations) {
        return durations.isEmpty() ? "-" : durations.stream().map(Recovery::seconds).collect(Collectors.joining(","));
    }
}
