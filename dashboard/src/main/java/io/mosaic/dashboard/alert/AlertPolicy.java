package io.mosaic.dashboard.alert;

import io.mosaic.dashboard.jobs.JobStalls;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decides when a group's health is worth a message: when it has stayed WARN, STALL or STOP for
 * {@code alert.after.ms} (FIRING), and when it is OK again after that (RESOLVED).
 *
 * <p>Rate limit: a group fires at most once per {@code alert.min.interval.ms}; a group that flaps
 * faster is reported once, and its later bad spells within the interval are not, nor are their
 * recoveries. A recovery that follows a FIRING is always reported, so a receiver is never left
 * with an alert that never ends. REWIND and ERR neither start nor end an alert: a rewind is an
 * event rather than a condition, and ERR means this round could not see the group at all.
 *
 * <p>The decision is {@link #step}, a pure function; this class applies it to each group of each
 * report.
 *
 * <p>Jobs: a job's stall ({@link JobStalls}) is worth a FIRING when it begins (the stall time,
 * {@code dashboard.job.stall.ms}, has already passed) and a RESOLVED when it ends, with the same
 * rate limit per job: a stall that begins within {@code alert.min.interval.ms} of the job's last
 * FIRING is not reported, nor is its end.
 */
public final class AlertPolicy {

    public enum Kind { FIRING, RESOLVED }

    /** A notification to send. {@code status} is null when the group has disappeared. */
    public record Alert(Kind kind, String group, Status status, long sinceMs, long timeMs, GroupLag lag) {
    }

    /**
     * What the policy remembers of a group.
     *
     * @param badSinceMs  when the current unhealthy spell began; -1 when healthy
     * @param firing      an unresolved FIRING was sent
     * @param lastFiredMs when the last FIRING was sent; {@link Long#MIN_VALUE} when never
     */
    public record State(long badSinceMs, boolean firing, long lastFiredMs) {
        public static final State HEALTHY = new State(-1, false, Long.MIN_VALUE);

        /** Whether a FIRING at {@code now} would keep {@code minIntervalMs} after the last one. */
        boolean mayFire(long now, long minIntervalMs) {
            return lastFiredMs == Long.MIN_VALUE || now - lastFiredMs >= minIntervalMs;
        }

        /** Healthy, nothing firing and free to fire again: no different from {@link #HEALTHY}, so need not be kept. */
        boolean asGoodAsNew(long now, long minIntervalMs) {
            return badSinceMs < 0 && !firing && mayFire(now, minIntervalMs);
        }
    }

    /** A notification about a job's stall. */
    public record JobAlert(Kind kind, JobStalls.Change change) {
    }

    /** The next state, and what to send now (null: nothing). */
    public record Step(State next, Kind send) {
    }

    private final long afterMs;
    private final long minIntervalMs;
    private final Map<String, State> states = new HashMap<>();
    private final Map<String, GroupLag> lastSeen = new HashMap<>();
    /** Per job with a stall or a recent FIRING: what the rule ({@link #step}) remembers of it. */
    private final Map<String, State> jobs = new HashMap<>();

    public AlertPolicy(Duration after, Duration minInterval) {
        this.afterMs = after.toMillis();
        this.minIntervalMs = minInterval.toMillis();
    }

    /** The rule: given a group's state, its status now, and the time, what follows. */
    public static Step step(State state, Status status, long now, long afterMs, long minIntervalMs) {
        if (status.alerting()) {
            long badSince = state.badSinceMs() < 0 ? now : state.badSinceMs();
            boolean longEnough = now - badSince >= afterMs;
            if (!state.firing() && longEnough && state.mayFire(now, minIntervalMs)) {
                return new Step(new State(badSince, true, now), Kind.FIRING);
            }
            return new Step(new State(badSince, state.firing(), state.lastFiredMs()), null);
        }
        if (status == Status.OK) {
            return new Step(new State(-1, false, state.lastFiredMs()), state.firing() ? Kind.RESOLVED : null);
        }
        return new Step(state, null);
    }

    /** The alerts one report calls for. Called from one thread at a time. */
    public synchronized List<Alert> evaluate(LagReport report) {
        if (report.error() != null) {
            // A failed round carries the last good round's groups: nothing new to judge.
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>();
        Map<String, GroupLag> present = new HashMap<>();
        for (GroupLag group : report.groups()) {
            present.put(group.group(), group);
            State before = states.getOrDefault(group.group(), State.HEALTHY);
            Step step = step(before, group.status(), report.timeMs(), afterMs, minIntervalMs);
            states.put(group.group(), step.next());
            if (step.send() != null) {
                long since = step.send() == Kind.FIRING ? step.next().badSinceMs() : before.badSinceMs();
                alerts.add(new Alert(step.send(), group.group(), group.status(), since, report.timeMs(), group));
            }
        }
        for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, State> e = it.next();
            if (!present.containsKey(e.getKey())) {
                if (e.getValue().firing()) {
                    alerts.add(new Alert(Kind.RESOLVED, e.getKey(), null, e.getValue().badSinceMs(), report.timeMs(),
                            lastSeen.get(e.getKey())));
                }
                it.remove();
            }
        }
        lastSeen.clear();
        lastSeen.putAll(present);
        return alerts;
    }

    /**
     * The alerts these stalls call for, by the groups' rule ({@link #step}): a stall begun is an
     * alerting status whose time ({@code dashboard.job.stall.ms}) has already passed, a stall ended
     * is OK. Called from one thread at a time.
     */
    public synchronized List<JobAlert> evaluate(List<JobStalls.Change> changes) {
        List<JobAlert> alerts = new ArrayList<>();
        for (JobStalls.Change change : changes) {
            State before = jobs.getOrDefault(change.jobId(), State.HEALTHY);
            Step step = step(before, change.ended() ? Status.OK : Status.STALL, change.timeMs(), 0, minIntervalMs);
            jobs.put(change.jobId(), step.next());
            if (step.send() != null) {
                alerts.add(new JobAlert(step.send(), change));
            }
        }
        if (!changes.isEmpty()) {
            long now = changes.get(changes.size() - 1).timeMs();
            jobs.values().removeIf(state -> state.asGoodAsNew(now, minIntervalMs));
        }
        return alerts;
    }
}
