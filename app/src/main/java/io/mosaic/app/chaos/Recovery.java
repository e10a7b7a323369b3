package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Recovery times measured during a chaos run, one entry per fault that allowed a measurement. */
final class Recovery {

    /** A step of recovery, timed from a fault's start or end to the pipeline noticing or being whole again. */
    enum Step {
        /** SIGKILL of a worker to its members leaving the group: the session timeout at work. */
        WORKER_NOTICED("workerNoticed"),
        /** SIGKILL of a worker to a stable group whose survivors own every partition. */
        WORKER_REBALANCED("workerRebalanced"),
        /** SIGSTOP of a worker to its members leaving the group: heartbeats stopped with the process. */
        PAUSED_WORKER_NOTICED("pausedWorkerNoticed"),
        /** SIGKILL of the aggregator owning the job to the next summary of the job written by another. */
        AGGREGATOR_FAILOVER("aggregatorFailover"),
        /** SIGKILL of a broker to the controller fencing it, which drops its replicas from every ISR. */
        BROKER_NOTICED("brokerNoticed"),
        /** Restart of a killed broker to every replica of every partition back in sync. */
        BROKER_IN_SYNC("brokerInSync"),
        /** A cut-off leader to a follower leading its partition, as the followers see it. */
        LEADER_MOVED("leaderMoved");

        private final String label;

        Step(String label) {
            this.label = label;
        }
    }

    private final int standbyReplicas;
    private final Map<Step, List<Duration>> times = new EnumMap<>(Step.class);
    private final List<FaultRecord> faults = new ArrayList<>();
    private int aggregatorKillsWhileIdle;
    private int probesRefused;
    private int probesAcknowledged;

    Recovery(int standbyReplicas) {
        this.standbyReplicas = standbyReplicas;
    }

    /** How long {@code step} took once. */
    synchronized void took(Step step, Duration d) {
        times.computeIfAbsent(step, s -> new ArrayList<>()).add(d);
    }

    /** The aggregator was killed when the job had nothing left to fold, so its summary had no reason to change. */
    synchronized void aggregatorKilledWhileIdle() {
        aggregatorKillsWhileIdle++;
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
        StringBuilder line = new StringBuilder();
        for (Step step : Step.values()) {
            List<Duration> taken = times.getOrDefault(step, List.of());
            if (step == Step.LEADER_MOVED && taken.isEmpty()) {
                continue; // only network faults move leaders
            }
            line.append(line.isEmpty() ? "" : " ").append(step.label).append('=').append(list(taken));
            if (step == Step.AGGREGATOR_FAILOVER) {
                line.append("(standby=").append(standbyReplicas)
                        .append(aggregatorKillsWhileIdle > 0 ? ",idle=" + aggregatorKillsWhileIdle : "").append(')');
            }
        }
        if (probesRefused + probesAcknowledged > 0) {
            line.append(" probeWrites=").append(probesRefused).append("refused/").append(probesAcknowledged).append("acknowledged");
        }
        return line.toString();
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String list(List<Duration> durations) {
        return durations.isEmpty() ? "-" : durations.stream().map(Recovery::seconds).collect(Collectors.joining(","));
    }
}
